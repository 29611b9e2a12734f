public import ChronicleMigrations
public import ChronicleSQL
public import SQLKit

/// SQLite as this driver speaks it: it keeps JSON, UUIDs and times as text and integers, and
/// uses the store schema that Chronicle bundles for SQLite.
public struct SimpleSQLiteDialect: StoreDialect {
    /// Creates the dialect.
    public init() {}

    /// `sqlite`: projections' SQLite statements suit this driver.
    public var name: String { "sqlite" }

    /// The store's SQLite schema, as Chronicle bundles it.
    public var storeMigrations: MigrationSet { MigrationSet.storeSchema(bundledAs: "sqlite") }

    /// The value itself: text needs no cast.
    public func text(_ value: any SQLExpression) -> any SQLExpression { value }

    /// The value itself: JSON is text.
    public func json(_ value: any SQLExpression) -> any SQLExpression { value }

    /// The microseconds, as an integer parameter.
    public func timestamp(microseconds: Int64) -> any SQLExpression { SQLBind(microseconds) }

    /// The value itself: event ids are text in lower case.
    public func uuid(_ value: any SQLExpression) -> any SQLExpression { value }

    /// The value itself: times are integers of microseconds.
    public func microseconds(_ value: any SQLExpression) -> any SQLExpression { value }

    /// The Julian day of `now`, as microseconds since 1970.
    public var currentMicroseconds: any SQLExpression {
        SQLRaw("CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER)")
    }

    /// `json_extract(value, '$.key')`.
    public func jsonText(_ value: any SQLExpression, key: String) -> any SQLExpression {
        SQLFunction("json_extract", args: value, SQLLiteral.string("$." + key))
    }

    /// Creates the record of applied migrations when it is missing.
    public func prepareMigrationRecord(on sql: any SQLDatabase) async throws {
        try await sql.create(table: "chronicle_schema_migrations").ifNotExists()
            .column("scope", type: .text, .notNull)
            .column("version", type: .bigint, .notNull)
            .column("name", type: .text, .notNull)
            .column("checksum", type: .text, .notNull)
            .column("applied_at", type: .bigint, .notNull)
            .primaryKey("scope", "version")
            .run()
    }

    /// `chronicle_schema_migrations` once it exists.
    public func migrationRecordTable(on sql: any SQLDatabase) async throws -> String? {
        try await sql.select().column("name").from("sqlite_master")
            .where("type", .equal, "table").where("name", .equal, "chronicle_schema_migrations")
            .first(decodingColumn: "name", as: String.self)
    }
}
