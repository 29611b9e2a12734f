public import ChronicleMigrations
import Logging
import PostgresNIO

extension PostgresEventStore {
    /// Takes the lock migrators of the current schema take turns on, until the transaction ends.
    /// Advisory locks belong to the whole database: the key names the schema.
    static var migrationLock: PostgresQuery {
        "SELECT pg_advisory_xact_lock(1128810309, hashtext(coalesce(current_schema(), '')))"
    }

    /// Applies the migrations of a set that the database has not recorded yet, in order.
    ///
    /// One transaction holds an advisory lock for the whole run, so concurrent migrators of one
    /// schema (two instances starting at once) take turns while other schemas' go on, and either
    /// every pending migration is applied and recorded in `chronicle_schema_migrations` or none
    /// is. A second run applies nothing.
    ///
    /// - Parameter migrations: The set to apply; the store's own schema by default.
    /// - Returns: The migrations applied by this run.
    /// - Throws: `MigrationError` naming the migration and statement that failed, or an
    ///   applied migration whose file has changed.
    @discardableResult
    public func migrate(_ migrations: MigrationSet = PostgresDialect().storeMigrations) async throws -> [Migration] {
        let logger = configuration.logger
        let applied = try await withConnection(.lease) { connection in
            try await connection.withTransaction(logger: logger) { connection in
                try await connection.query(Self.migrationLock, logger: logger)
                // Stores made before the store's tables took the chronicle_ prefix kept this
                // record as schema_migrations: it keeps its rows under the new name.
                try await connection.query(
                    """
                    DO $$ BEGIN
                        IF to_regclass('chronicle_schema_migrations') IS NULL AND (
                            SELECT count(*) FROM pg_attribute
                            WHERE attrelid = to_regclass('schema_migrations') AND attname IN ('scope', 'checksum')) = 2
                        THEN
                            ALTER TABLE schema_migrations RENAME TO chronicle_schema_migrations;
                            ALTER INDEX schema_migrations_pkey RENAME TO chronicle_schema_migrations_pkey;
                        END IF;
                    END $$
                    """, logger: logger)
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS chronicle_schema_migrations (
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
                            let reason = Self.serverError(in: error)?.serverInfo.map {
                                "\($0[.message] ?? "") (SQLSTATE \($0[.sqlState] ?? "?"))"
                            } ?? "\(Self.translate(error))"
                            throw MigrationError(
                                "Migration \(migration.version) (\(migration.name)) of \(migrations.scope) failed: \(reason). Statement: \(statement.prefix(200))",
                                underlying: error)
                        }
                    }
                    try await connection.query(
                        """
                        INSERT INTO chronicle_schema_migrations (scope, version, name, checksum)
                        VALUES (\(migrations.scope), \(migration.version), \(migration.name), \(migration.checksum))
                        """, logger: logger)
                }
                return pending
            }
        }
        for migration in applied {
            logger.info("Applied migration", metadata: ["scope": "\(migrations.scope)", "migration": "\(migration.version)_\(migration.name)"])
        }
        return applied
    }

    /// The `chronicle_schema_migrations` rows of every scope.
    public func appliedMigrations() async throws -> [AppliedMigration] {
        try await withConnection { connection in
            try await Self.appliedMigrations(on: connection, logger: self.configuration.logger)
        }
    }

    private static func appliedMigrations(on connection: PostgresConnection, logger: Logger) async throws -> [AppliedMigration] {
        // Before its first migration under the chronicle_ prefix, a store keeps the record as
        // schema_migrations (see `migrate`).
        let tables = try await connection.query(
            """
            SELECT CASE
                WHEN to_regclass('chronicle_schema_migrations') IS NOT NULL THEN 'chronicle_schema_migrations'
                WHEN (SELECT count(*) FROM pg_attribute
                      WHERE attrelid = to_regclass('schema_migrations') AND attname IN ('scope', 'checksum')) = 2
                    THEN 'schema_migrations'
            END
            """, logger: logger)
        var table: String?
        for try await name in tables.decode(String?.self) {
            table = name
        }
        guard let table else { return [] }
        var applied: [AppliedMigration] = []
        let rows = try await connection.query(
            PostgresQuery(unsafeSQL: "SELECT scope, version, name, checksum FROM \(table) ORDER BY scope, version"), logger: logger)
        for try await (scope, version, name, checksum) in rows.decode((String, Int, String, String).self) {
            applied.append(AppliedMigration(scope: scope, version: version, name: name, checksum: checksum))
        }
        return applied
    }
}
