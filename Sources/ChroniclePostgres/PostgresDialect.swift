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
}
