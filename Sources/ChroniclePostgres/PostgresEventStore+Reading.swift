public import Chronicle
import Foundation
import NIOCore
import PostgresNIO

extension PostgresEventStore {
    /// Reads one entity's events in version order. See ``Chronicle/EventStore/readStream(_:after:through:limit:)``.
    public func readStream(
        _ stream: StreamName, after version: Int, through lastVersion: Int?, limit: Int
    ) async throws -> [RecordedEvent] {
        try Self.checkLimit(limit)
        return try await read("""
            SELECT \(unescaped: Self.columns) FROM events
            WHERE entity_id = \(stream.entityID) AND entity_type = \(stream.entityType)
              AND version > \(version) AND version <= \(lastVersion ?? Int.max)
            ORDER BY version LIMIT \(limit)
            """)
    }

    /// Reads the global log in position order. See ``Chronicle/EventStore/readLog(after:limit:)``.
    ///
    /// Only events of transactions older than the oldest transaction still running are
    /// returned; with the append's ordering of transaction ids and positions, that is
    /// what guarantees a reader never skips an event that commits late.
    public func readLog(after position: Int64, limit: Int) async throws -> [RecordedEvent] {
        try Self.checkLimit(limit)
        return try await read("""
            SELECT \(unescaped: Self.columns) FROM events
            WHERE position > \(position)
              AND transaction_id < (SELECT pg_snapshot_xmin(pg_current_snapshot()))
            ORDER BY position LIMIT \(limit)
            """)
    }

    /// The position of the newest committed event, or 0.
    public func headPosition() async throws -> Int64 {
        do {
            return try await client.withConnection { connection in
                let rows = try await connection.query("SELECT coalesce(max(position), 0)::bigint FROM events", logger: configuration.logger)
                var head: Int64 = 0
                for try await value in rows.decode(Int64.self) {
                    head = value
                }
                return head
            }
        } catch {
            throw Self.databaseFailure(error)
        }
    }

    static let columns =
        "position, event_id, entity_type, entity_id, version, event_type, schema_version, meta, data, created_at"

    private func read(_ query: PostgresQuery) async throws -> [RecordedEvent] {
        do {
            return try await client.withConnection { connection in
            let rows = try await connection.query(query, logger: configuration.logger)
            var events: [RecordedEvent] = []
            for try await row in rows.decode(
                (Int64, UUID, String, String, Int, String, Int, ByteBuffer, ByteBuffer, PostgresTimestamp).self)
            {
                let (position, id, entityType, entityID, version, eventType, schemaVersion, meta, data, createdAt) = row
                let metadata: EventMetadata
                do {
                    metadata = try EventMetadata(storedJSON: Data(meta.readableBytesView), createdAt: Timestamp.date(microsecondsSince1970: createdAt.microsecondsSince1970))
                } catch {
                    throw EventStoreError(
                        code: .databaseFailure, message: "Event \(position) has meta that is not a JSON object.",
                        position: position, underlying: error)
                }
                events.append(RecordedEvent(
                    position: position, id: id, stream: StreamName(entityType: entityType, entityID: entityID),
                    version: version, eventType: eventType, schemaVersion: schemaVersion, metadata: metadata,
                    data: Data(data.readableBytesView)))
            }
            return events
            }
        } catch {
            throw Self.databaseFailure(error)
        }
    }

    static func checkLimit(_ limit: Int) throws {
        guard limit > 0 else {
            throw EventStoreError.invalidInput("A read must ask for at least one event, not \(limit).")
        }
    }
}
