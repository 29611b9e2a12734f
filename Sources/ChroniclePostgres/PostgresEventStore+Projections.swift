public import Chronicle
public import ChronicleMigrations
public import ChronicleProjections
import Logging
import PostgresKit
import PostgresNIO
public import SQLKit

extension PostgresEventStore: ProjectionDatabase {
    /// PostgreSQL.
    public var dialect: DatabaseDialect { .postgres }

    /// The advisory lock space of projection locks: `pg_advisory_xact_lock(space, hashtext(name))`.
    static let projectionLockSpace: Int32 = 1_128_810_310

    /// Runs work in one transaction; with a projection name, first takes its advisory lock
    /// exclusively (inline appends hold it shared).
    public func withWriteTransaction<Result: Sendable>(
        locking projection: String?, _ work: @Sendable (any SQLDatabase) async throws -> Result
    ) async throws -> Result {
        try await inTransaction { connection in
            if let projection {
                try await connection.query(
                    "SELECT pg_advisory_xact_lock(\(Self.projectionLockSpace), hashtext(\(projection)))", logger: configuration.logger)
            }
            return try await work(connection.sql(logger: configuration.logger))
        }
    }

    /// Appends events and runs work in the same transaction, holding the projections' locks
    /// shared. See `ProjectionDatabase`.
    ///
    /// The shared advisory locks are taken before the append: taking them assigns no transaction
    /// id, so the append is still the transaction's first write.
    public func append(
        _ events: [NewEvent], to stream: StreamName, expected: ExpectedVersion,
        sharingLocksOf projections: [String],
        within work: @Sendable (any SQLDatabase, AppendResult) async throws -> Void
    ) async throws -> AppendResult {
        let append = try PreparedAppend(
            events, to: stream, expected: expected, limits: configuration.limits, now: configuration.now())
        let result = try await append.retryingLostRaces {
            try await inTransaction { connection in
                for projection in projections.sorted() {
                    try await connection.query(
                        "SELECT pg_advisory_xact_lock_shared(\(Self.projectionLockSpace), hashtext(\(projection)))",
                        logger: configuration.logger)
                }
                let result = try await insert(append, on: connection, insideTransaction: true)
                try await work(connection.sql(logger: configuration.logger), result)
                return result
            }
        }
        announceAppend()
        return result
    }

    /// Every committed event after a position, none held back. See `ProjectionDatabase`.
    public func readCommittedLog(after position: Int64, limit: Int) async throws -> [RecordedEvent] {
        guard limit > 0 else { throw EventStoreError.invalidReadLimit(limit) }
        return try await withConnection { connection in
            var events: [RecordedEvent] = []
            for try await event in try await connection.execute(
                ReadCommittedLogStatement(after: position, limit: limit), logger: configuration.logger)
            {
                events.append(event)
            }
            return try configuration.upcasters.upcast(events)
        }
    }

    /// The upcasting steps of the store's configuration.
    public var upcasters: Upcasters { configuration.upcasters }

    /// Runs reads on a pooled connection.
    public func withReadConnection<Result: Sendable>(_ work: @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        try await withConnection { connection in try await work(connection.sql(logger: configuration.logger)) }
    }

    /// A signal after each append of this process and, while the store runs, of every process
    /// (through `LISTEN chronicle_events`, which holds one of the pool's connections from the
    /// first call on).
    public func appendNotifications() -> AsyncStream<Void> {
        listenRequests.continuation.yield()
        return appended.subscribe()
    }

    /// Runs work in a transaction on a pooled connection, rethrowing the work's own error.
    private func inTransaction<Result: Sendable>(_ work: @Sendable (PostgresConnection) async throws -> Result) async throws -> Result {
        do {
            return try await client.withConnection { connection in
                try await connection.withTransaction(logger: configuration.logger) { connection in
                    try await work(connection)
                }
            }
        } catch let error as PostgresTransactionError {
            if let closureError = error.closureError { throw closureError }
            throw Self.databaseFailure(error)
        }
    }
}
