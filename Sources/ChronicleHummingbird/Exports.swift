@_exported public import ChronicleHTTP

#if !Hummingbird
#error("ChronicleHummingbird needs Chronicle's package trait Hummingbird: name it in the traits of Chronicle's .package line.")
#endif
