public import Chronicle
public import ChronicleSQL
import SQLiteNIO

/// A write transaction on the store's writer connection.
public struct SQLiteTransaction: Sendable {
    let connection: SQLiteConnection
}

extension SQLiteEventStore: SQLAppendWriter {
    /// Writes one append on the writer connection, in turn with every other write.
    public func write(_ append: PreparedAppend) async throws -> AppendResult {
        do {
            return try await writeLock.withLock(waitingAtMost: configuration.writerTimeout) {
                try await self.insert(append, insideTransaction: false)
            }
        } catch {
            throw Self.translate(error, stream: append.stream)
        }
    }

    /// Writes appends to different entities with one statement (see `insert(_:)`).
    public func write(group appends: [PreparedAppend]) async -> [AppendOutcome] {
        await insert(appends)
    }

    /// Runs work in a `BEGIN IMMEDIATE` transaction on the writer connection. SQLite has one
    /// writer at a time, so the locks need nothing more, and positions nothing in advance.
    public func withTransaction<Result: Sendable>(
        sharingLocksOf locks: [String], reservingPositionsFor eventCount: Int,
        _ work: @escaping @Sendable (SQLiteTransaction) async throws -> Result
    ) async throws -> Result {
        try await writeLock.withLock(waitingAtMost: configuration.writerTimeout) {
            try await self.inTransaction { try await work(SQLiteTransaction(connection: self.writer)) }
        }
    }

    /// Writes one append inside the transaction.
    public func write(_ append: PreparedAppend, in transaction: SQLiteTransaction, applyingInlineProjections: Bool) async throws -> AppendResult {
        try await insert(append, insideTransaction: true, appliesInlineProjections: applyingInlineProjections)
    }

    /// Runs a statement of a savepoint in the transaction.
    public func execute(_ statement: String, in transaction: SQLiteTransaction) async throws {
        try await transaction.connection.runTransactionStatement(statement)
    }

    /// Wakes this process's runners.
    public func announceAppend() {
        appended.signal()
    }
}
