#if !FeedClient
#error("ChronicleFeedClient needs Chronicle's package trait FeedClient: name it in the traits of Chronicle's .package line.")
#endif
