public import ChronicleMigrations
public import ChronicleSQL
public import SQLKit

/// SQLite as the store speaks it: JSON and UUIDs are kept as text, so nothing needs a cast.
public struct SQLiteDialect: StoreDialect {
    /// Creates the dialect.
    public init() {}

    /// `sqlite`.
    public var name: String { "sqlite" }

    /// The store's schema in `Migrations/sqlite`.
    public var storeMigrations: MigrationSet { Self.schema }

    private static let schema = MigrationSet.storeSchema(bundledAs: "sqlite")

    /// The value itself: SQLite keeps JSON and UUIDs as text.
    public func text(_ value: any SQLExpression) -> any SQLExpression { value }

    /// The value itself: SQLite keeps JSON as text.
    public func json(_ value: any SQLExpression) -> any SQLExpression { value }

    /// The microseconds themselves: SQLite keeps times as integers.
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

    /// Creates `chronicle_schema_migrations` if missing, after renaming the record of a store made
    /// before the `chronicle_` prefix (`schema_migrations`).
    public func prepareMigrationRecord(on sql: any SQLDatabase) async throws {
        if try await migrationRecordTable(on: sql) == "schema_migrations" {
            try await sql.raw("ALTER TABLE schema_migrations RENAME TO chronicle_schema_migrations").run()
        }
        try await sql.raw("""
            CREATE TABLE IF NOT EXISTS chronicle_schema_migrations (
                scope      TEXT    NOT NULL,
                version    INTEGER NOT NULL,
                name       TEXT    NOT NULL,
                checksum   TEXT    NOT NULL,
                applied_at INTEGER NOT NULL,
                PRIMARY KEY (scope, version)
            ) STRICT
            """).run()
    }

    /// `chronicle_schema_migrations`, or a `schema_migrations` with the record's columns.
    public func migrationRecordTable(on sql: any SQLDatabase) async throws -> String? {
        let row = try await sql.raw("""
            SELECT CASE
                WHEN EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'chronicle_schema_migrations')
                    THEN 'chronicle_schema_migrations'
                WHEN (SELECT count(*) FROM pragma_table_info('schema_migrations') WHERE name IN ('scope', 'checksum')) = 2
                    THEN 'schema_migrations'
            END AS record
            """).first()
        return try row?.decode(column: "record", as: String?.self)
    }
}
