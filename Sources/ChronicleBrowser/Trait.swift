#if !Hummingbird
#error("ChronicleBrowser needs Chronicle's package trait Hummingbird: name it in the traits of Chronicle's .package line.")
#endif
