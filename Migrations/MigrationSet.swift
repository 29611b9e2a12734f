public import Foundation

/// An ordered set of migrations that belong together, recorded under one scope.
///
/// The store's own schema is a set under ``storeScope`` (`chronicle`) that each driver's dialect
/// provides: Chronicle's own read the SQL files in `Migrations/postgres` and `Migrations/sqlite`
/// that ship inside this module (``storeSchema(bundledAs:scope:)``). Applications keep their own sets
/// under their own scope, so numbers never clash.
///
/// ```swift
/// let schema = MigrationSet.storeSchema(bundledAs: "sqlite")
/// let pending = try schema.pending(after: appliedRows)   // what `migrate` would run
/// ```
public struct MigrationSet: Sendable {
    /// The scope the migrations are recorded under in `chronicle_schema_migrations`.
    public var scope: String

    /// The migrations, in ascending version order.
    public var migrations: [Migration]

    /// Creates a set; the migrations are sorted by version.
    ///
    /// - Precondition: No two migrations share a version.
    public init(scope: String, migrations: [Migration]) {
        let sorted = migrations.sorted { $0.version < $1.version }
        for (earlier, later) in zip(sorted, sorted.dropFirst()) {
            precondition(
                earlier.version != later.version,
                "Migrations \(earlier.name) and \(later.name) of \(scope) share the number \(earlier.version).")
        }
        self.scope = scope
        self.migrations = sorted
    }

    /// Reads every `.sql` file of a directory as a migration.
    ///
    /// - Throws: ``MigrationError`` when the directory cannot be read, a file is misnamed or two
    ///   files share a number.
    public init(scope: String, directory: URL) throws {
        let files: [URL]
        do {
            files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "sql" }
        } catch {
            throw MigrationError("Cannot read the migrations of \(scope) in \(directory.path).", underlying: error)
        }
        var migrations: [Migration] = []
        for file in files {
            let sql: String
            do {
                sql = try String(contentsOf: file, encoding: .utf8)
            } catch {
                throw MigrationError("Cannot read migration \(file.path).", underlying: error)
            }
            migrations.append(try Migration(fileName: file.lastPathComponent, sql: sql))
        }
        let versions = migrations.map(\.version)
        if let repeated = versions.first(where: { version in versions.filter { $0 == version }.count > 1 }) {
            throw MigrationError("Two migrations of \(scope) in \(directory.path) share the number \(repeated).")
        }
        self.init(scope: scope, migrations: migrations)
    }

    /// The scope of the store's own schema (the `chronicle_` tables) in
    /// `chronicle_schema_migrations`. Application sets use scopes of their own.
    public static let storeScope = "chronicle"

    /// The store's own schema as bundled with Chronicle for one of its drivers' dialects
    /// (`postgres`, `sqlite`): the events table and what it needs. A driver of another database
    /// ships its own set under ``storeScope``. An opt-in part of a driver's schema (the
    /// partitioned log of `postgres-partitioned-log`) has a scope of its own.
    ///
    /// - Precondition: The bundle holds a folder of that name.
    public static func storeSchema(bundledAs name: String, scope: String = storeScope) -> MigrationSet {
        guard let directory = Bundle.module.url(forResource: name, withExtension: nil) else {
            preconditionFailure("The \(name) migrations are missing from the ChronicleMigrations bundle.")
        }
        do {
            return try MigrationSet(scope: scope, directory: directory)
        } catch {
            preconditionFailure("The bundled \(name) migrations cannot be read: \(error)")
        }
    }

    /// The set's first `count` migrations, under the same scope.
    public func prefix(_ count: Int) -> MigrationSet {
        MigrationSet(scope: scope, migrations: Array(migrations.prefix(count)))
    }

    /// The migrations still to apply, given what the database has recorded.
    ///
    /// - Parameter applied: The `chronicle_schema_migrations` rows of this set's scope.
    /// - Returns: The migrations not yet applied, in order.
    /// - Throws: ``MigrationError`` when a recorded migration's file changed since it was
    ///   applied, or is missing: history was edited and applying more would guess.
    public func pending(after applied: [AppliedMigration]) throws -> [Migration] {
        let byVersion = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        for record in applied where record.scope == scope {
            guard let migration = byVersion[record.version] else {
                throw MigrationError(
                    "Migration \(record.version) (\(record.name)) of \(scope) is recorded as applied, but no such migration file exists. Restore the file; applied migrations are never removed.")
            }
            guard migration.checksum == record.checksum else {
                throw MigrationError(
                    "Migration \(record.version) (\(record.name)) of \(scope) was edited after it was applied: its checksum is \(migration.checksum), the database recorded \(record.checksum). Restore the original file and put the change in a new migration.")
            }
        }
        let done = Set(applied.lazy.filter { $0.scope == self.scope }.map(\.version))
        return migrations.filter { !done.contains($0.version) }
    }
}
