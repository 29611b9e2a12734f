public import Chronicle
public import ChronicleSQL
import Foundation
import Logging
public import PostgresNIO

/// A write transaction of the store: its connection, and the positions its appends take.
public struct PostgresAppendTransaction: Sendable {
    /// The transaction's connection.
    public let connection: PostgresConnection
    let reservation: PositionReservation
}

/// The positions of a transaction's appends (rule 1 of `Migrations/postgres/0001_create_events.sql`:
/// reserved by its first write).
///
/// A transaction with one append, the usual case, reserves nothing ahead: its append statement
/// reserves its own positions, in the same round trip. A transaction with several (a group, each
/// in a savepoint) reserves them all with its first append, which the others then take in turn.
final class PositionReservation: @unchecked Sendable {
    /// Positions for one append.
    struct Slice: Sendable {
        let transactionID: String
        let firstPosition: Int64
    }

    /// What an append of the transaction does for its positions.
    enum Plan {
        /// The transaction's only append: its statement reserves them.
        case ownStatement
        /// Reserve the transaction's positions first, with this many, then take the append's.
        case reserve(count: Int)
        /// Take them from the reservation.
        case take(Slice)
    }

    private let lock = NSLock()
    /// The events the transaction's appends write in all.
    private let count: Int
    private var reserved: (transactionID: String, next: Int64, end: Int64)?
    private var firstAppendWritten = false

    init(count: Int) {
        self.count = count
    }

    /// How an append of `events` events gets its positions.
    ///
    /// - Throws: `EventStoreError.Code.databaseFailure` when fewer are left than it needs.
    func plan(for events: Int) throws -> Plan {
        try lock.withLock {
            defer { firstAppendWritten = true }
            if !firstAppendWritten {
                return events == count ? .ownStatement : .reserve(count: max(count, events))
            }
            return .take(try take(events))
        }
    }

    /// Keeps the positions the transaction reserved, and takes the first append's from them.
    func reserved(transactionID: String, firstPosition: Int64, forAppendOf events: Int) throws -> Slice {
        try lock.withLock {
            reserved = (transactionID, firstPosition, firstPosition + Int64(max(count, events)))
            return try take(events)
        }
    }

    private func take(_ events: Int) throws -> Slice {
        guard let current = reserved, current.next + Int64(events) <= current.end else {
            throw EventStoreError(
                code: .databaseFailure,
                message: "The transaction has \(reserved.map { $0.end - $0.next } ?? 0) reserved positions left, fewer than the \(events) an append needs.")
        }
        reserved?.next += Int64(events)
        return Slice(transactionID: current.transactionID, firstPosition: current.next)
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
    /// assigns no transaction id), so that its first append is still its first write.
    public func withTransaction<Result: Sendable>(
        sharingLocksOf locks: [String], reservingPositionsFor eventCount: Int,
        _ work: @escaping @Sendable (PostgresAppendTransaction) async throws -> Result
    ) async throws -> Result {
        try await inTransaction(.whole) { connection in
            for lock in locks.sorted() {
                try await connection.query(Self.projectionLock(lock, shared: true), logger: self.configuration.logger)
            }
            return try await work(PostgresAppendTransaction(connection: connection, reservation: PositionReservation(count: eventCount)))
        }
    }

    /// Writes one append in the transaction: the only one reserves its positions in its own
    /// statement; the first of several reserves those of all, which the others take.
    public func write(
        _ append: PreparedAppend, in transaction: PostgresAppendTransaction, applyingInlineProjections: Bool
    ) async throws -> AppendResult {
        let events = append.entries.count
        var plan = try transaction.reservation.plan(for: events)
        if case .ownStatement = plan, case .partitioned = try await logLayout(on: transaction.connection) {
            // A partitioned log's transaction knows its positions first, to make their
            // partitions, if missing, before its appends.
            plan = .reserve(count: events)
        }
        let reserved: PositionReservation.Slice?
        switch plan {
        case .ownStatement:
            reserved = nil
        case .take(let slice):
            reserved = slice
        case .reserve(let count):
            let (transactionID, firstPosition) = try await reservePositions(count, on: transaction.connection)
            try await makePartitions(for: firstPosition + Int64(count) - 1, inTransactionOn: transaction.connection)
            reserved = try transaction.reservation.reserved(transactionID: transactionID, firstPosition: firstPosition, forAppendOf: events)
        }
        return try await insert(
            append, on: transaction.connection, insideTransaction: true, appliesInlineProjections: applyingInlineProjections,
            reserved: reserved)
    }

    /// Reserves consecutive positions for the transaction, as its first write.
    private func reservePositions(_ count: Int, on connection: PostgresConnection) async throws -> (String, Int64) {
        let rows = try await connection.query(
            "SELECT transaction_id::text, first_position FROM chronicle_reserve_positions(\(Int32(count)))", logger: configuration.logger)
        for try await row in rows.decode((String, Int64).self) { return row }
        throw EventStoreError(code: .databaseFailure, message: "chronicle_reserve_positions returned no row.")
    }

    /// Runs a statement of a savepoint in the transaction.
    public func execute(_ statement: String, in transaction: PostgresAppendTransaction) async throws {
        _ = try await transaction.connection.query(PostgresQuery(unsafeSQL: statement), logger: configuration.logger)
    }
}
