public import ChronicleMigrations
import Logging
import PostgresNIO

extension PostgresEventStore {
    /// Applies the migrations of a set that the database has not recorded yet, in order.
    ///
    /// One transaction holds an advisory lock for the whole run, so concurrent migrators (two
    /// instances starting at once) take turns, and either every pending migration is applied and
    /// recorded in `schema_migrations` or none is. A second run applies nothing.
    ///
    /// - Parameter migrations: The set to apply; the store's own schema by default.
    /// - Returns: The migrations applied by this run.
    /// - Throws: `MigrationError` naming the migration and statement that failed, or an
    ///   applied migration whose file has changed.
    @discardableResult
    public func migrate(_ migrations: MigrationSet = .store(.postgres)) async throws -> [Migration] {
        let logger = configuration.logger
        let applied: [Migration]
        do {
            applied = try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(1128810309, 2)", logger: logger)
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        scope      text        NOT NULL,
                        version    bigint      NOT NULL,
                        name       text        NOT NULL,
                        checksum   text        NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now(),
                        PRIMARY KEY (scope, version)
                    )
                    """, logger: logger)
                let pending = try migrations.pending(after: try await Self.appliedMigrations(on: connection, logger: logger))
                for migration in pending {
                    for statement in migration.statements {
                        do {
                            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                        } catch {
                            let reason = Self.serverError(in: error)?.serverInfo?[.message] ?? "\(error)"
                            throw MigrationError(
                                "Migration \(migration.version) (\(migration.name)) of \(migrations.scope) failed: \(reason). Statement: \(statement.prefix(200))",
                                underlying: error)
                        }
                    }
                    try await connection.query(
                        """
                        INSERT INTO schema_migrations (scope, version, name, checksum)
                        VALUES (\(migrations.scope), \(migration.version), \(migration.name), \(migration.checksum))
                        """, logger: logger)
                }
                return pending
            }
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error.commitError ?? error
        }
        for migration in applied {
            logger.info("Applied migration", metadata: ["scope": "\(migrations.scope)", "migration": "\(migration.version)_\(migration.name)"])
        }
        return applied
    }

    /// The `schema_migrations` rows of every scope.
    public func appliedMigrations() async throws -> [AppliedMigration] {
        try await client.withConnection { connection in
            try await Self.appliedMigrations(on: connection, logger: configuration.logger)
        }
    }

    private static func appliedMigrations(on connection: PostgresConnection, logger: Logger) async throws -> [AppliedMigration] {
        let exists = try await connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger)
        for try await present in exists.decode(Bool.self) where !present {
            return []
        }
        var applied: [AppliedMigration] = []
        let rows = try await connection.query(
            "SELECT scope, version, name, checksum FROM schema_migrations ORDER BY scope, version", logger: logger)
        for try await (scope, version, name, checksum) in rows.decode((String, Int, String, String).self) {
            applied.append(AppliedMigration(scope: scope, version: version, name: name, checksum: checksum))
        }
        return applied
    }
}
