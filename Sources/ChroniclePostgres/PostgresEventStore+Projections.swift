public import Chronicle
import ChronicleMigrations
public import ChronicleSQL
public import Logging
import PostgresKit
import PostgresNIO
public import SQLKit

extension PostgresEventStore: SQLEventStore {
    /// PostgreSQL's dialect.
    public var dialect: any StoreDialect { PostgresDialect() }

    /// The advisory lock space of projection locks. Advisory locks belong to the whole database,
    /// so the key names the schema too: stores in different schemas of one database never wait
    /// for each other's projections.
    static let projectionLockSpace: Int32 = 1_128_810_310

    /// Takes a projection's lock until the transaction ends, keyed by the hash of the current
    /// schema and the projection's name.
    static func projectionLock(_ projection: String, shared: Bool) -> PostgresQuery {
        let function = shared ? "pg_advisory_xact_lock_shared" : "pg_advisory_xact_lock"
        return "SELECT \(unescaped: function)(\(projectionLockSpace), hashtext(coalesce(current_schema(), '') || '.' || \(projection)))"
    }

    /// Tries a projection's lock shared until the transaction ends: true when taken. It is not
    /// taken while another transaction holds it exclusively or waits to.
    static func tryProjectionLockShared(_ projection: String) -> PostgresQuery {
        "SELECT pg_try_advisory_xact_lock_shared(\(projectionLockSpace), hashtext(coalesce(current_schema(), '') || '.' || \(projection)))"
    }

    /// Runs work in one transaction holding one lock exclusively, or none. See
    /// ``withWriteTransaction(locking:sharing:_:)``.
    public func withWriteTransaction<Result: Sendable>(
        locking projection: String?, _ work: @escaping @Sendable (any SQLDatabase) async throws -> Result
    ) async throws -> Result {
        try await withWriteTransaction(locking: projection, sharing: [], work)
    }

    /// Runs work in one transaction, first trying the advisory locks named shared (`LockBusy`
    /// when one is held or asked for exclusively), then waiting for the one named exclusively
    /// (inline appends hold a projection's shared).
    public func withWriteTransaction<Result: Sendable>(
        locking projection: String?, sharing shared: [String], _ work: @escaping @Sendable (any SQLDatabase) async throws -> Result
    ) async throws -> Result {
        try await inTransaction(.lease) { connection in
            for name in shared {
                let rows = try await connection.query(Self.tryProjectionLockShared(name), logger: self.configuration.logger)
                for try await taken in rows.decode(Bool.self) where !taken {
                    throw LockBusy(lock: name)
                }
            }
            if let projection {
                try await connection.query(Self.projectionLock(projection, shared: false), logger: self.configuration.logger)
            }
            return try await work(self.sql(on: connection))
        }
    }

    /// Runs work on a pooled connection outside any transaction, so that each statement commits
    /// on the server by itself. See `SQLEventStore`.
    public func withAutocommitWrites<Result: Sendable>(
        _ work: @escaping @Sendable (any SQLDatabase) async throws -> Result
    ) async throws -> Result {
        try await withConnection { connection in try await work(self.sql(on: connection)) }
    }

    /// Appends events and runs work in the same transaction, holding the projections' locks
    /// shared. See `SQLEventStore`.
    ///
    /// The shared advisory locks are taken before the append: taking them assigns no transaction
    /// id, so the append is still the transaction's first write.
    public func append(
        _ events: [NewEvent], to stream: StreamName, expected: ExpectedVersion,
        sharingLocksOf projections: [String],
        within work: @escaping @Sendable (any SQLDatabase, AppendResult) async throws -> Void
    ) async throws -> AppendResult {
        let append = try await prepared(events, to: stream, expected: expected, limits: configuration.limits, now: configuration.now())
        return try await pipeline.append(append, sharingLocksOf: projections, by: self) { transaction, result in
            try await work(self.sql(on: transaction.connection), result.withData(of: events))
        }.withData(of: events)
    }

    /// Every committed event after a position, none held back. See `SQLEventStore`.
    public func readCommittedLog(after position: Int64, limit: Int) async throws -> [RecordedEvent] {
        guard limit > 0 else { throw EventStoreError.invalidReadLimit(limit) }
        let events = try await withConnection { connection in
            var events: [RecordedEvent] = []
            for try await event in try await connection.execute(
                ReadCommittedLogStatement(after: position, limit: limit), logger: self.configuration.logger)
            {
                events.append(event)
            }
            return events
        }
        return try await readable(events)
    }

    /// The upcasting steps of the store's configuration.
    public var upcasters: Upcasters { configuration.upcasters }

    /// The personal-data protection of the store's configuration.
    public var personalData: (any PersonalDataProtection)? { configuration.personalData }

    /// The logger of the store's configuration.
    public var logger: Logger { configuration.logger }

    /// Runs reads on a pooled connection.
    public func withReadConnection<Result: Sendable>(_ work: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        try await withConnection { connection in try await work(self.sql(on: connection)) }
    }

    /// A signal after each append of this process and, while the store runs, of every process
    /// (through `LISTEN chronicle_events`, which holds one of the pool's connections from the
    /// first call on).
    public func appendNotifications() -> AsyncStream<Void> {
        listenRequests.continuation.yield()
        return appended.subscribe()
    }

    /// Runs work in a transaction on a pooled connection, within the store's deadline,
    /// rethrowing the work's own error.
    func inTransaction<Result: Sendable>(
        _ bound: Bound, _ work: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await withConnection(bound) { connection in
            try await connection.withTransaction(logger: self.configuration.logger) { connection in
                try await work(connection)
            }
        }
    }

    /// SQL on a connection whose errors come out translated (see ``translate(_:stream:)``).
    func sql(on connection: PostgresConnection) -> any SQLDatabase {
        TranslatingSQLDatabase(connection.sql(logger: configuration.logger)) { Self.translate($0) }
    }
}
