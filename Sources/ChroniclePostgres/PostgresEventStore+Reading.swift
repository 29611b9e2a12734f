public import Chronicle
import ChronicleSQL
import Foundation
import PostgresNIO

extension PostgresEventStore {
    /// Reads one entity's events in version order. See `EventStore.readStream(_:after:through:limit:)`.
    public func readStream(
        _ stream: StreamName, after version: Int, through lastVersion: Int?, limit: Int
    ) async throws -> [RecordedEvent] {
        guard limit > 0 else { throw EventStoreError.invalidReadLimit(limit) }
        return try await readable(
            try await read(ReadStreamStatement(stream: stream, after: version, through: lastVersion ?? Int.max, limit: limit)))
    }

    /// Reads the global log in position order. See `EventStore.readLog(after:limit:)`.
    ///
    /// Only events of transactions older than the oldest transaction still running are
    /// returned; with the append's ordering of transaction ids and positions, that is what
    /// guarantees a reader never skips an event that commits late. A long-running writing
    /// transaction, of any kind, holds readers back until it ends.
    public func readLog(after position: Int64, limit: Int) async throws -> [RecordedEvent] {
        guard limit > 0 else { throw EventStoreError.invalidReadLimit(limit) }
        return try await readable(try await read(ReadLogStatement(after: position, limit: limit)))
    }

    /// The position of the newest committed event, or 0.
    public func headPosition() async throws -> Int64 {
        try await withConnection { connection in
            let rows = try await connection.query("SELECT coalesce(max(position), 0)::bigint FROM chronicle_events", logger: self.configuration.logger)
            var head: Int64 = 0
            for try await value in rows.decode(Int64.self) {
                head = value
            }
            return head
        }
    }

    private func read<Statement: PostgresPreparedStatement>(_ statement: Statement) async throws -> [RecordedEvent]
    where Statement.Row == RecordedEvent {
        try await withConnection { connection in
            var events: [RecordedEvent] = []
            for try await event in try await connection.execute(statement, logger: self.configuration.logger) {
                events.append(event)
            }
            return events
        }
    }

    /// What an operation's deadline (``Configuration/operationTimeout``) bounds.
    enum Bound: Sendable {
        /// Waiting for a connection and the work on it: an append, a read, a request's
        /// transaction.
        case whole
        /// Only waiting for a connection: a background transaction (a projection's batch, a
        /// rebuild, a migration) may then take as long as it needs.
        case lease
    }

    /// Runs work on a connection leased from the pool for it, within the store's deadline,
    /// translating database errors.
    ///
    /// Every query of the store runs this way rather than through `PostgresClient.query`, which
    /// can keep a connection leased when a query fails early.
    ///
    /// - Throws: `EventStoreError.Code.unavailable` when the deadline passes first (no
    ///   connection within it, or no answer), or the translated database error.
    func withConnection<Result: Sendable>(
        _ bound: Bound = .whole, _ work: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let limit = configuration.operationTimeout
        let leased = LeaseFlag()
        let result: Result?
        do {
            result = try await Deadline.run(within: limit) { deadline in
                await self.clientStarted.wait()
                return try await self.client.withConnection { connection in
                    leased.set()
                    if bound == .lease { deadline.lift() }
                    return try await work(connection)
                }
            }
        } catch {
            throw Self.translate(error)
        }
        guard let result else {
            if !clientStarted.hasOpened {
                throw EventStoreError.unavailable(
                    "The store's client is not running: run the PostgresEventStore (its run(), or its service group) before using it.")
            }
            throw EventStoreError.unavailable(
                leased.isSet
                    ? "PostgreSQL did not answer within \(limit). Retry shortly."
                    : "No PostgreSQL connection within \(limit): the server may be down, unreachable or overloaded. Retry shortly.")
        }
        return result
    }

    /// Runs a statement whose rows, if any, are not needed.
    func execute(_ query: PostgresQuery) async throws {
        try await withConnection { connection in
            for try await _ in try await connection.query(query, logger: self.configuration.logger) {}
        }
    }
}

/// Whether an operation got its connection, for the message of a missed deadline.
final class LeaseFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
