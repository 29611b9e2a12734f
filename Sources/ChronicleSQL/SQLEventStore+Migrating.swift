import Chronicle
public import ChronicleMigrations
import Foundation
import Logging
import SQLKit

extension SQLEventStore {
    /// Applies the store's own schema (its dialect's ``StoreDialect/storeMigrations``) where the
    /// database has not recorded it yet.
    ///
    /// - Returns: The migrations applied by this run; empty when all were applied before.
    /// - Throws: `MigrationError` naming the migration and statement that failed, or an applied
    ///   migration whose file has changed.
    @discardableResult
    public func migrate() async throws -> [Migration] {
        try await migrate(dialect.storeMigrations)
    }

    /// Applies the migrations of a set that the database has not recorded yet, in order.
    ///
    /// One transaction holds the store's migration lock for the whole run, so concurrent
    /// migrators of one database (two instances starting at once) take turns, and either every
    /// pending migration is applied and recorded in `chronicle_schema_migrations` or none is. A
    /// second run applies nothing.
    ///
    /// ```swift
    /// let applied = try await store.migrate(MigrationSet(scope: "app", directory: migrationsURL))
    /// ```
    ///
    /// - Parameter migrations: The set to apply.
    /// - Returns: The migrations applied by this run; empty when all were applied before.
    /// - Throws: `MigrationError` naming the migration and statement that failed, or an applied
    ///   migration whose file has changed.
    @discardableResult
    public func migrate(_ migrations: MigrationSet) async throws -> [Migration] {
        let dialect = dialect
        let applied = try await withWriteTransaction(locking: Self.migrationLock) { sql -> [Migration] in
            try await dialect.prepareMigrationRecord(on: sql)
            let pending = try migrations.pending(after: try await Self.appliedMigrations(on: sql, dialect: dialect))
            let now = Timestamp.microseconds(since1970: Date())
            for migration in pending {
                for statement in migration.statements {
                    do {
                        try await sql.raw("\(unsafeRaw: statement)").run()
                    } catch {
                        throw MigrationError(
                            "Migration \(migration.version) (\(migration.name)) of \(migrations.scope) failed: \(error). Statement: \(statement.prefix(200))",
                            underlying: error)
                    }
                }
                try await sql.raw("""
                    INSERT INTO chronicle_schema_migrations (scope, version, name, checksum, applied_at)
                    VALUES (\(bind: migrations.scope), \(bind: migration.version), \(bind: migration.name), \(bind: migration.checksum),
                        \(dialect.timestamp(microseconds: now)))
                    """).run()
            }
            return pending
        }
        for migration in applied {
            logger.info("Applied migration", metadata: ["scope": "\(migrations.scope)", "migration": "\(migration.version)_\(migration.name)"])
        }
        return applied
    }

    /// The `chronicle_schema_migrations` rows of every scope; empty before the first migration.
    public func appliedMigrations() async throws -> [AppliedMigration] {
        let dialect = dialect
        return try await withReadConnection { sql in try await Self.appliedMigrations(on: sql, dialect: dialect) }
    }

    /// The name of the lock migrators take turns on (see ``withWriteTransaction(locking:_:)``):
    /// one migration run at a time per database, or per schema on PostgreSQL.
    public static var migrationLock: String { "chronicle.migrations" }

    private static func appliedMigrations(on sql: any SQLDatabase, dialect: any StoreDialect) async throws -> [AppliedMigration] {
        guard let table = try await dialect.migrationRecordTable(on: sql) else { return [] }
        return try await sql.raw("SELECT scope, version, name, checksum FROM \(ident: table) ORDER BY scope, version").all().map { row in
            AppliedMigration(
                scope: try row.decode(column: "scope", as: String.self),
                version: try row.decode(column: "version", as: Int.self),
                name: try row.decode(column: "name", as: String.self),
                checksum: try row.decode(column: "checksum", as: String.self))
        }
    }
}
