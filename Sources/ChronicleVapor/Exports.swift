@_exported public import ChronicleHTTP

#if !Vapor
#error("ChronicleVapor needs Chronicle's package trait Vapor: name it in the traits of Chronicle's .package line.")
#endif
