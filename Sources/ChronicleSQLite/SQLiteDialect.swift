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
}
