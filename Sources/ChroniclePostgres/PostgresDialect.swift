public import ChronicleMigrations
public import ChronicleSQL
public import SQLKit

/// PostgreSQL as the store speaks it: event data, metadata and snapshots are `json` (kept byte
/// for byte), event ids `uuid`.
public struct PostgresDialect: StoreDialect {
    /// Creates the dialect.
    public init() {}

    /// `postgres`.
    public var name: String { "postgres" }

    /// The store's schema in `Migrations/postgres`.
    public var storeMigrations: MigrationSet { Self.schema }

    private static let schema = MigrationSet.storeSchema(bundledAs: "postgres")

    /// `value::text`.
    public func text(_ value: any SQLExpression) -> any SQLExpression {
        SQLList([value, SQLRaw("::text")], separator: SQLRaw(""))
    }

    /// `value::json`, the type of the store's JSON columns.
    public func json(_ value: any SQLExpression) -> any SQLExpression {
        SQLList([value, SQLRaw("::json")], separator: SQLRaw(""))
    }

    /// A `timestamptz`, counted from the epoch in whole microseconds (no floating point).
    public func timestamp(microseconds: Int64) -> any SQLExpression {
        SQLList([SQLRaw("(TIMESTAMPTZ 'epoch' + "), SQLBind(microseconds), SQLRaw(" * INTERVAL '1 microsecond')")], separator: SQLRaw(""))
    }

    /// `value::uuid`.
    public func uuid(_ value: any SQLExpression) -> any SQLExpression {
        SQLList([value, SQLRaw("::uuid")], separator: SQLRaw(""))
    }

    /// `(EXTRACT(EPOCH FROM value) * 1000000)::bigint`: exact, as `EXTRACT` gives a numeric.
    public func microseconds(_ value: any SQLExpression) -> any SQLExpression {
        SQLList([SQLRaw("(EXTRACT(EPOCH FROM "), value, SQLRaw(") * 1000000)::bigint")], separator: SQLRaw(""))
    }

    /// `clock_timestamp()` (the time of the statement, not of its transaction's start), as
    /// microseconds since 1970.
    public var currentMicroseconds: any SQLExpression {
        SQLRaw("(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::bigint")
    }

    /// `(value ->> 'key')`, which reads a `json` column without converting it to `jsonb`.
    public func jsonText(_ value: any SQLExpression, key: String) -> any SQLExpression {
        SQLList([SQLRaw("("), value, SQLRaw(" ->> "), SQLLiteral.string(key), SQLRaw(")")], separator: SQLRaw(""))
    }

    /// Creates `chronicle_schema_migrations` if missing, after renaming the record of a store made
    /// before the `chronicle_` prefix (`schema_migrations`).
    public func prepareMigrationRecord(on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            DO $$ BEGIN
                IF to_regclass('chronicle_schema_migrations') IS NULL AND (
                    SELECT count(*) FROM pg_attribute
                    WHERE attrelid = to_regclass('schema_migrations') AND attname IN ('scope', 'checksum')) = 2
                THEN
                    ALTER TABLE schema_migrations RENAME TO chronicle_schema_migrations;
                    ALTER INDEX schema_migrations_pkey RENAME TO chronicle_schema_migrations_pkey;
                END IF;
            END $$
            """).run()
        try await sql.raw("""
            CREATE TABLE IF NOT EXISTS chronicle_schema_migrations (
                scope      text        NOT NULL,
                version    bigint      NOT NULL,
                name       text        NOT NULL,
                checksum   text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (scope, version)
            )
            """).run()
    }

    /// `chronicle_schema_migrations`, or a `schema_migrations` with the record's columns.
    public func migrationRecordTable(on sql: any SQLDatabase) async throws -> String? {
        let row = try await sql.raw("""
            SELECT CASE
                WHEN to_regclass('chronicle_schema_migrations') IS NOT NULL THEN 'chronicle_schema_migrations'
                WHEN (SELECT count(*) FROM pg_attribute
                      WHERE attrelid = to_regclass('schema_migrations') AND attname IN ('scope', 'checksum')) = 2
                    THEN 'schema_migrations'
            END AS record
            """).first()
        return try row?.decode(column: "record", as: String?.self)
    }
}
