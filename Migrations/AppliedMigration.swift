/// A row of the `chronicle_schema_migrations` table: a migration that was applied.
public struct AppliedMigration: Hashable, Sendable {
    /// The set the migration belongs to, for example `chronicle` for the store's own schema.
    public var scope: String
    /// The migration's number.
    public var version: Int
    /// The migration's name.
    public var name: String
    /// The ``Migration/checksum`` of the SQL when it was applied.
    public var checksum: String

    /// Creates a record of an applied migration.
    public init(scope: String, version: Int, name: String, checksum: String) {
        self.scope = scope
        self.version = version
        self.name = name
        self.checksum = checksum
    }
}
