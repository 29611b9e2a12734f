public import Chronicle
public import ChronicleSQL
import Foundation
import Logging
public import PostgresNIO

/// A write transaction of the store: its connection, and the positions it reserved when it
/// began, which its appends take in turn.
public struct PostgresAppendTransaction: Sendable {
    /// The transaction's connection.
    public let connection: PostgresConnection
    let reservation: PositionReservation
}

/// The transaction id and the positions a transaction reserved as its first write (rule 1 of
/// `Migrations/postgres/0001_create_events.sql`), handed out to its appends in order.
final class PositionReservation: @unchecked Sendable {
    /// Positions for one append.
    struct Slice: Sendable {
        let transactionID: String
        let firstPosition: Int64
    }

    private let lock = NSLock()
    private let transactionID: String
    private var next: Int64
    private let end: Int64

    init(transactionID: String, firstPosition: Int64, count: Int) {
        self.transactionID = transactionID
        self.next = firstPosition
        self.end = firstPosition + Int64(count)
    }

    /// The next `count` positions.
    ///
    /// - Throws: `EventStoreError.Code.databaseFailure` when fewer are left than asked for.
    func take(_ count: Int) throws -> Slice {
        try lock.withLock {
            guard next + Int64(count) <= end else {
                throw EventStoreError(
                    code: .databaseFailure, message: "The transaction reserved \(end - next) more positions, fewer than the \(count) an append needs.")
            }
            defer { next += Int64(count) }
            return Slice(transactionID: transactionID, firstPosition: next)
        }
    }
}

extension PostgresEventStore: SQLAppendWriter {
    /// Writes one append with one statement (`AppendStatement`) on a pooled connection.
    public func write(_ append: PreparedAppend) async throws -> AppendResult {
        try await withConnection { connection in
            try await self.insert(append, on: connection, insideTransaction: false)
        }
    }

    /// Writes appends to different entities with one statement (`GroupAppendStatement`).
    public func write(group appends: [PreparedAppend]) async -> [AppendOutcome] {
        await insert(appends)
    }

    /// Runs work in a transaction within the store's deadline: it takes the locks shared (which
    /// assigns no transaction id), then reserves the positions of its appends as its first write.
    public func withTransaction<Result: Sendable>(
        sharingLocksOf locks: [String], reservingPositionsFor eventCount: Int,
        _ work: @escaping @Sendable (PostgresAppendTransaction) async throws -> Result
    ) async throws -> Result {
        try await inTransaction(.whole) { connection in
            for lock in locks.sorted() {
                try await connection.query(Self.projectionLock(lock, shared: true), logger: self.configuration.logger)
            }
            var reservation: PositionReservation?
            let rows = try await connection.query(
                "SELECT transaction_id::text, first_position FROM chronicle_reserve_positions(\(Int32(max(1, eventCount))))",
                logger: self.configuration.logger)
            for try await (transactionID, firstPosition) in rows.decode((String, Int64).self) {
                reservation = PositionReservation(transactionID: transactionID, firstPosition: firstPosition, count: eventCount)
            }
            guard let reservation else {
                throw EventStoreError(code: .databaseFailure, message: "chronicle_reserve_positions returned no row.")
            }
            return try await work(PostgresAppendTransaction(connection: connection, reservation: reservation))
        }
    }

    /// Writes one append at the next positions the transaction reserved.
    public func write(
        _ append: PreparedAppend, in transaction: PostgresAppendTransaction, applyingInlineProjections: Bool
    ) async throws -> AppendResult {
        try await insert(
            append, on: transaction.connection, insideTransaction: true, appliesInlineProjections: applyingInlineProjections,
            reserved: try transaction.reservation.take(append.entries.count))
    }

    /// Runs a statement of a savepoint in the transaction.
    public func execute(_ statement: String, in transaction: PostgresAppendTransaction) async throws {
        _ = try await transaction.connection.query(PostgresQuery(unsafeSQL: statement), logger: configuration.logger)
    }
}
