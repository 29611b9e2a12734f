import Chronicle
public import ChronicleMigrations
import Foundation
import Logging
import SQLiteNIO

extension SQLiteEventStore {
    /// Applies the migrations of a set that the database has not recorded yet, in order.
    ///
    /// Each run holds SQLite's write lock from start to end (`BEGIN IMMEDIATE`), so two processes
    /// migrating the same file take turns, and applies all pending migrations in one transaction:
    /// either all of them are recorded in `chronicle_schema_migrations` or none is. A second run applies
    /// nothing.
    ///
    /// - Parameter migrations: The set to apply; the store's own schema by default.
    /// - Returns: The migrations applied by this run.
    /// - Throws: `MigrationError` naming the migration and statement that failed, or an
    ///   applied migration whose file has changed.
    @discardableResult
    public func migrate(_ migrations: MigrationSet = SQLiteDialect().storeMigrations) async throws -> [Migration] {
        do {
            return try await writeLock.withLock {
                try await self.writer.runTransactionStatement("BEGIN IMMEDIATE")
                do {
                    let applied = try await self.apply(migrations)
                    try await self.writer.runTransactionStatement("COMMIT")
                    for migration in applied {
                        self.configuration.logger.info(
                            "Applied migration", metadata: ["scope": "\(migrations.scope)", "migration": "\(migration.version)_\(migration.name)"])
                    }
                    return applied
                } catch {
                    try? await self.writer.runTransactionStatement("ROLLBACK")
                    throw error
                }
            }
        } catch {
            throw Self.translate(error)
        }
    }

    /// The `chronicle_schema_migrations` rows of every scope.
    public func appliedMigrations() async throws -> [AppliedMigration] {
        do {
            return try await Self.appliedMigrations(on: reader)
        } catch {
            throw Self.translate(error)
        }
    }

    private func apply(_ migrations: MigrationSet) async throws -> [Migration] {
        // Stores made before the store's tables took the chronicle_ prefix kept this record as
        // schema_migrations: it keeps its rows under the new name.
        if try await Self.recordTable(on: writer) == "schema_migrations" {
            _ = try await writer.query("ALTER TABLE schema_migrations RENAME TO chronicle_schema_migrations")
        }
        _ = try await writer.query(
            """
            CREATE TABLE IF NOT EXISTS chronicle_schema_migrations (
                scope      TEXT    NOT NULL,
                version    INTEGER NOT NULL,
                name       TEXT    NOT NULL,
                checksum   TEXT    NOT NULL,
                applied_at INTEGER NOT NULL,
                PRIMARY KEY (scope, version)
            ) STRICT
            """)
        let pending = try migrations.pending(after: try await Self.appliedMigrations(on: writer))
        for migration in pending {
            for statement in migration.statements {
                do {
                    _ = try await writer.query(statement)
                } catch {
                    throw MigrationError(
                        "Migration \(migration.version) (\(migration.name)) of \(migrations.scope) failed at: \(statement.prefix(200))",
                        underlying: error)
                }
            }
            _ = try await writer.query(
                "INSERT INTO chronicle_schema_migrations (scope, version, name, checksum, applied_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                [
                    .text(migrations.scope), .integer(migration.version), .text(migration.name), .text(migration.checksum),
                    .integer(Int(Timestamp.microseconds(since1970: Date()))),
                ])
        }
        return pending
    }

    /// The table that records applied migrations: `chronicle_schema_migrations`, or, before the
    /// first migration under the chronicle_ prefix, the store's `schema_migrations`; `nil` before
    /// the first migration.
    private static func recordTable(on connection: SQLiteConnection) async throws -> String? {
        let rows = try await connection.query(
            """
            SELECT CASE
                WHEN EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'chronicle_schema_migrations')
                    THEN 'chronicle_schema_migrations'
                WHEN (SELECT count(*) FROM pragma_table_info('schema_migrations') WHERE name IN ('scope', 'checksum')) = 2
                    THEN 'schema_migrations'
            END AS record
            """)
        return rows.first?.column("record")?.string
    }

    private static func appliedMigrations(on connection: SQLiteConnection) async throws -> [AppliedMigration] {
        guard let table = try await recordTable(on: connection) else { return [] }
        return try await connection.query("SELECT scope, version, name, checksum FROM \(table) ORDER BY scope, version")
            .map { row in
                AppliedMigration(
                    scope: row.column("scope")?.string ?? "",
                    version: row.column("version")?.integer ?? 0,
                    name: row.column("name")?.string ?? "",
                    checksum: row.column("checksum")?.string ?? "")
            }
    }
}
