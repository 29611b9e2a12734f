public import Chronicle
import Foundation
import SQLiteNIO

extension SQLiteEventStore {
    /// Reads one entity's events in version order. See `EventStore.readStream(_:after:through:limit:)`.
    public func readStream(
        _ stream: StreamName, after version: Int, through lastVersion: Int?, limit: Int
    ) async throws -> [RecordedEvent] {
        guard limit > 0 else { throw EventStoreError.invalidReadLimit(limit) }
        let rows = try await read(
            """
            SELECT \(Self.columns) FROM events
            WHERE entity_id = ?1 AND entity_type = ?2 AND version > ?3 AND version <= ?4
            ORDER BY version LIMIT ?5
            """,
            [.text(stream.entityID), .text(stream.entityType), .integer(version), .integer(lastVersion ?? Int.max), .integer(limit)])
        return try configuration.upcasters.upcast(try rows.map(Self.recordedEvent))
    }

    /// Reads the global log in position order. See `EventStore.readLog(after:limit:)`.
    ///
    /// SQLite commits one writer at a time, so positions become visible in order.
    public func readLog(after position: Int64, limit: Int) async throws -> [RecordedEvent] {
        guard limit > 0 else { throw EventStoreError.invalidReadLimit(limit) }
        let rows = try await read(
            "SELECT \(Self.columns) FROM events WHERE position > ?1 ORDER BY position LIMIT ?2",
            [.integer(Int(position)), .integer(limit)])
        return try configuration.upcasters.upcast(try rows.map(Self.recordedEvent))
    }

    /// The position of the newest event, or 0.
    public func headPosition() async throws -> Int64 {
        let rows = try await read("SELECT coalesce(max(position), 0) AS head FROM events")
        return Int64(rows.first?.column("head")?.integer ?? 0)
    }

    func read(_ sql: String, _ binds: [SQLiteData] = []) async throws -> [SQLiteRow] {
        do {
            return try await reader.query(sql, binds)
        } catch {
            throw Self.databaseFailure(error)
        }
    }

    static let columns =
        "position, event_id, entity_type, entity_id, version, event_type, schema_version, meta, data, created_at"

    static func recordedEvent(_ row: SQLiteRow) throws -> RecordedEvent {
        func value(_ column: String) throws -> SQLiteData {
            guard let value = row.column(column), value != .null else {
                throw EventStoreError(code: .databaseFailure, message: "A row of events has no \(column).")
            }
            return value
        }
        let position = Int64(try value("position").integer ?? 0)
        guard let id = try value("event_id").string.flatMap(UUID.init(parsing:)) else {
            throw EventStoreError(code: .databaseFailure, message: "Event \(position) has an event_id that is not a UUID.", position: position)
        }
        let createdAt = Timestamp.date(microsecondsSince1970: Int64(try value("created_at").integer ?? 0))
        let metadata: EventMetadata
        do {
            metadata = try EventMetadata(storedJSON: Data(try value("meta").string?.utf8 ?? "".utf8), createdAt: createdAt)
        } catch {
            throw EventStoreError(code: .databaseFailure, message: "Event \(position) has meta that is not a JSON object.", position: position, underlying: error)
        }
        return RecordedEvent(
            position: position,
            id: id,
            stream: StreamName(entityType: try value("entity_type").string ?? "", entityID: try value("entity_id").string ?? ""),
            version: try value("version").integer ?? 0,
            eventType: try value("event_type").string ?? "",
            schemaVersion: try value("schema_version").integer ?? 0,
            metadata: metadata,
            data: Data(try value("data").string?.utf8 ?? "".utf8)
        )
    }
}
