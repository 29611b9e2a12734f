public import Chronicle
public import ChronicleSQL
import Foundation
public import SQLKit
import SQLiteKit
import SQLiteNIO

extension SimpleSQLiteEventStore: SQLEventStore {
    /// This driver's SQLite dialect.
    public var dialect: any StoreDialect { SimpleSQLiteDialect() }

    /// Runs work in a `BEGIN IMMEDIATE` transaction on the writer connection, in its turn. One
    /// writer at a time holds every projection's lock at once.
    public func withWriteTransaction<Result: Sendable>(
        locking projection: String?, _ work: @escaping @Sendable (any SQLDatabase) async throws -> Result
    ) async throws -> Result {
        try await writerTurns.take { try await self.inTransaction { try await work(self.writer.sql()) } }
    }

    /// Appends events and runs work in the same transaction, through the pipeline.
    public func append(
        _ events: [NewEvent], to stream: StreamName, expected: ExpectedVersion,
        sharingLocksOf projections: [String],
        within work: @escaping @Sendable (any SQLDatabase, AppendResult) async throws -> Void
    ) async throws -> AppendResult {
        let append = try PreparedAppend(events, to: stream, expected: expected, limits: limits, now: Date())
        return try await pipeline.append(append, sharingLocksOf: projections, by: self) { transaction, result in
            try await work(transaction.sql, result)
        }
    }

    /// The log: one writer commits at a time, so no event is ever overtaken.
    public func readCommittedLog(after position: Int64, limit: Int) async throws -> [RecordedEvent] {
        try await readLog(after: position, limit: limit)
    }

    /// Runs reads on the reader connection.
    public func withReadConnection<Result: Sendable>(
        _ work: @escaping @Sendable (any SQLDatabase) async throws -> Result
    ) async throws -> Result {
        try await work(reader.sql())
    }

    /// A signal after each append of this store.
    public func appendNotifications() -> AsyncStream<Void> {
        appended.subscribe()
    }

    /// Runs work between `BEGIN IMMEDIATE` and `COMMIT`, rolling back when it throws; the
    /// caller holds the writer's turn.
    func inTransaction<Result: Sendable>(_ work: () async throws -> Result) async throws -> Result {
        try await writer.control("BEGIN IMMEDIATE")
        do {
            let result = try await work()
            try await writer.control("COMMIT")
            return result
        } catch {
            try? await writer.control("ROLLBACK")
            throw error
        }
    }
}

extension SQLiteConnection {
    /// Runs a transaction statement even when the task is cancelled: a cancelled runner must
    /// still roll back, or the connection stays inside its transaction.
    func control(_ statement: String) async throws {
        _ = try await query(statement, []).get()
    }
}
