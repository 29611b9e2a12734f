#if !SQLite
#error("ChronicleSQLite needs Chronicle's package trait SQLite: name it in the traits of Chronicle's .package line.")
#endif
