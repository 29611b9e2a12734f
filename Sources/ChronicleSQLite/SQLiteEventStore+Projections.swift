public import Chronicle
import ChronicleMigrations
public import ChronicleSQL
public import Logging
public import SQLKit
import SQLiteKit
import SQLiteNIO

extension SQLiteEventStore: SQLEventStore {
    /// SQLite's dialect.
    public var dialect: any StoreDialect { SQLiteDialect() }

    /// Runs work in one transaction holding one lock exclusively, or none. See
    /// ``withWriteTransaction(locking:sharing:_:)``.
    public func withWriteTransaction<Result: Sendable>(
        locking projection: String?, _ work: @escaping @Sendable (any SQLDatabase) async throws -> Result
    ) async throws -> Result {
        try await withWriteTransaction(locking: projection, sharing: [], work)
    }

    /// Runs work in one `BEGIN IMMEDIATE` transaction on the writer connection.
    ///
    /// SQLite has one writer at a time, so every write transaction of this process excludes
    /// every other: the projection locks, exclusive or shared, need nothing more, and a shared
    /// one is never busy.
    ///
    /// A task cancelled while it waits for the writer (its deadline passed, or its caller went
    /// away) stops waiting at once with `CancellationError`, and its work never runs.
    public func withWriteTransaction<Result: Sendable>(
        locking projection: String?, sharing shared: [String], _ work: @escaping @Sendable (any SQLDatabase) async throws -> Result
    ) async throws -> Result {
        do {
            return try await writeLock.withLock(waitingAtMost: configuration.writerTimeout, untilCancelled: true) {
                try await self.inTransaction { try await work(self.sql(on: self.writer)) }
            }
        } catch {
            throw Self.translate(error)
        }
    }

    /// Runs the read side's lease statements on the writer connection, each committing by
    /// itself, ahead of the transactions queued for the writer.
    ///
    /// A heartbeat that queued behind every runner's next batch would wait for all of them: on
    /// a busy machine, longer than a lease lasts, and the node would lose leases it holds. Ahead
    /// of the queue, it waits for the transaction in progress only.
    public func withAutocommitWrites<Result: Sendable>(_ work: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        do {
            return try await writeLock.withLock(waitingAtMost: configuration.writerTimeout, untilCancelled: true, ahead: true) {
                try await work(self.sql(on: self.writer))
            }
        } catch {
            throw Self.translate(error)
        }
    }

    /// Appends events and runs work in the same transaction. See `SQLEventStore`.
    public func append(
        _ events: [NewEvent], to stream: StreamName, expected: ExpectedVersion,
        sharingLocksOf projections: [String],
        within work: @escaping @Sendable (any SQLDatabase, AppendResult) async throws -> Void
    ) async throws -> AppendResult {
        let append = try await prepared(events, to: stream, expected: expected, limits: configuration.limits, now: configuration.now())
        do {
            return try await pipeline.append(append, sharingLocksOf: projections, by: self) { transaction, result in
                try await work(self.sql(on: transaction.connection), result.withData(of: events))
            }.withData(of: events)
        } catch {
            throw Self.translate(error, stream: stream)
        }
    }

    /// The log: SQLite commits one writer at a time, so nothing is ever held back.
    public func readCommittedLog(after position: Int64, limit: Int) async throws -> [RecordedEvent] {
        try await readLog(after: position, limit: limit)
    }

    /// The upcasting steps of the store's configuration.
    public var upcasters: Upcasters { configuration.upcasters }

    /// The personal-data protection of the store's configuration.
    public var personalData: (any PersonalDataProtection)? { configuration.personalData }

    /// The logger of the store's configuration.
    public var logger: Logger { configuration.logger }

    /// Runs reads on the reader connection.
    public func withReadConnection<Result: Sendable>(_ work: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        try await work(sql(on: reader))
    }

    /// SQL on a connection whose errors come out translated (see ``translate(_:stream:)``).
    func sql(on connection: SQLiteConnection) -> any SQLDatabase {
        TranslatingSQLDatabase(connection.sql()) { Self.translate($0) }
    }

    /// A signal after each append of this process. Other processes writing the same file are
    /// noticed by the runners' polling.
    public func appendNotifications() -> AsyncStream<Void> {
        appended.subscribe()
    }

    /// Runs work between `BEGIN IMMEDIATE` and `COMMIT`, rolling back when it throws. The caller
    /// holds the write lock.
    func inTransaction<Result: Sendable>(_ work: () async throws -> Result) async throws -> Result {
        try await writer.runTransactionStatement("BEGIN IMMEDIATE")
        do {
            let result = try await work()
            try await writer.runTransactionStatement("COMMIT")
            return result
        } catch {
            try? await writer.runTransactionStatement("ROLLBACK")
            throw error
        }
    }
}
