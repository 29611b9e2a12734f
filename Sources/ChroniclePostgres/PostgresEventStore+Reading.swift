public import Chronicle
import Foundation
import PostgresNIO

extension PostgresEventStore {
    /// Reads one entity's events in version order. See `EventStore.readStream(_:after:through:limit:)`.
    public func readStream(
        _ stream: StreamName, after version: Int, through lastVersion: Int?, limit: Int
    ) async throws -> [RecordedEvent] {
        guard limit > 0 else { throw EventStoreError.invalidReadLimit(limit) }
        return try configuration.upcasters.upcast(
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
        return try configuration.upcasters.upcast(try await read(ReadLogStatement(after: position, limit: limit)))
    }

    /// The position of the newest committed event, or 0.
    public func headPosition() async throws -> Int64 {
        try await withConnection { connection in
            let rows = try await connection.query("SELECT coalesce(max(position), 0)::bigint FROM events", logger: configuration.logger)
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
            for try await event in try await connection.execute(statement, logger: configuration.logger) {
                events.append(event)
            }
            return events
        }
    }

    /// Runs work on a connection leased from the pool for it, translating database errors.
    ///
    /// Every query of the store runs this way rather than through `PostgresClient.query`, which
    /// can keep a connection leased when a query fails early.
    func withConnection<Result: Sendable>(_ work: (PostgresConnection) async throws -> Result) async throws -> Result {
        do {
            return try await client.withConnection { connection in try await work(connection) }
        } catch {
            throw Self.databaseFailure(error)
        }
    }

    /// Runs a statement whose rows, if any, are not needed.
    func execute(_ query: PostgresQuery) async throws {
        try await withConnection { connection in
            for try await _ in try await connection.query(query, logger: configuration.logger) {}
        }
    }
}
