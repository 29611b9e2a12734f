public import Chronicle
import ChronicleSQL
import Foundation
import SQLiteNIO

extension SQLiteEventStore {
    /// Reads one entity's events in version order. See `EventStore.readStream(_:after:through:limit:)`.
    public func readStream(
        _ stream: StreamName, after version: Int, through lastVersion: Int?, limit: Int
    ) async throws -> [RecordedEvent] {
        guard limit > 0 else { throw EventStoreError.invalidReadLimit(limit) }
        let events = try await readEvents(
            """
            SELECT \(Self.columns) FROM chronicle_events
            WHERE entity_id = ?1 AND entity_type = ?2 AND version > ?3 AND version <= ?4
            ORDER BY version LIMIT ?5
            """,
            [.text(stream.entityID), .text(stream.entityType), .integer(version), .integer(lastVersion ?? Int.max), .integer(limit)])
        return try await readable(events)
    }

    /// Reads the global log in position order. See `EventStore.readLog(after:limit:)`.
    ///
    /// SQLite commits one writer at a time, so positions become visible in order.
    public func readLog(after position: Int64, limit: Int) async throws -> [RecordedEvent] {
        guard limit > 0 else { throw EventStoreError.invalidReadLimit(limit) }
        let events = try await readEvents(
            "SELECT \(Self.columns) FROM chronicle_events WHERE position > ?1 ORDER BY position LIMIT ?2",
            [.integer(Int(position)), .integer(limit)])
        return try await readable(events)
    }

    /// The position of the newest event, or 0.
    public func headPosition() async throws -> Int64 {
        let rows = try await read("SELECT coalesce(max(position), 0) AS head FROM chronicle_events")
        return Int64(rows.first?.column("head")?.integer ?? 0)
    }

    func read(_ sql: String, _ binds: [SQLiteData] = []) async throws -> [SQLiteRow] {
        do {
            return try await reader.query(sql, binds)
        } catch {
            throw Self.translate(error)
        }
    }

    /// Events of a query of ``columns``, decoded on the reader's thread as SQLite steps through
    /// the rows, without collecting the rows first.
    func readEvents(_ sql: String, _ binds: [SQLiteData]) async throws -> [RecordedEvent] {
        let collector = EventCollector()
        do {
            try await reader.query(sql, binds) { row in collector.add(row) }
        } catch {
            throw Self.translate(error)
        }
        return try collector.events()
    }

    static let columns =
        "position, event_id, entity_type, entity_id, version, event_type, schema_version, meta, data, created_at"

    /// The event of a row of ``columns``, its values taken by their place in that list.
    static func recordedEvent(_ row: SQLiteRow) throws -> RecordedEvent {
        let cells = row.columns
        func value(_ index: Int, _ column: String) throws -> SQLiteData {
            guard index < cells.count, cells[index].name == column, cells[index].data != .null else {
                throw EventStoreError(code: .databaseFailure, message: "A row of events has no \(column).")
            }
            return cells[index].data
        }
        let position = Int64(try value(0, "position").integer ?? 0)
        guard let id = try value(1, "event_id").string.flatMap(UUID.init(parsing:)) else {
            throw EventStoreError(code: .databaseFailure, message: "Event \(position) has an event_id that is not a UUID.", position: position)
        }
        let createdAt = Timestamp.date(microsecondsSince1970: Int64(try value(9, "created_at").integer ?? 0))
        let metadata: EventMetadata
        do {
            metadata = try EventMetadata(storedJSON: Data(utf8Of: try value(7, "meta").string ?? ""), createdAt: createdAt)
        } catch {
            throw EventStoreError(code: .databaseFailure, message: "Event \(position) has meta that is not a JSON object.", position: position, underlying: error)
        }
        return RecordedEvent(
            position: position,
            id: id,
            stream: StreamName(entityType: try value(2, "entity_type").string ?? "", entityID: try value(3, "entity_id").string ?? ""),
            version: try value(4, "version").integer ?? 0,
            eventType: try value(5, "event_type").string ?? "",
            schemaVersion: try value(6, "schema_version").integer ?? 0,
            metadata: metadata,
            data: Data(utf8Of: try value(8, "data").string ?? "")
        )
    }
}

/// The events of one query, filled by SQLiteNIO's row callback, which runs one row at a time on
/// the reader's thread and has returned before ``events()`` is called.
private final class EventCollector: @unchecked Sendable {
    private var decoded: [RecordedEvent] = []
    private var failure: (any Error)?

    func add(_ row: SQLiteRow) {
        guard failure == nil else { return }
        do {
            decoded.append(try SQLiteEventStore.recordedEvent(row))
        } catch {
            failure = error
        }
    }

    /// The events, or the first row's error.
    func events() throws -> [RecordedEvent] {
        if let failure { throw failure }
        return decoded
    }
}
