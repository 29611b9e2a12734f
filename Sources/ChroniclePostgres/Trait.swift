#if !PostgreSQL
#error("ChroniclePostgres needs Chronicle's package trait PostgreSQL: name it in the traits of Chronicle's .package line.")
#endif
