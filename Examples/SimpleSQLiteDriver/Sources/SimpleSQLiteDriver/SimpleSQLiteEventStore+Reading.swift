public import Chronicle
import ChronicleSQL
import Foundation
import SQLKit
import SQLiteKit

extension SimpleSQLiteEventStore {
    /// Reads one entity's events in version order, upcast.
    public func readStream(_ stream: StreamName, after version: Int, through lastVersion: Int?, limit: Int) async throws -> [RecordedEvent] {
        guard limit > 0 else { throw EventStoreError.invalidReadLimit(limit) }
        return try await events("""
            SELECT * FROM chronicle_events
            WHERE entity_id = \(bind: stream.entityID) AND entity_type = \(bind: stream.entityType)
                AND version > \(bind: version) AND version <= \(bind: lastVersion ?? Int.max)
            ORDER BY version LIMIT \(bind: limit)
            """)
    }

    /// Reads the log in position order, upcast.
    public func readLog(after position: Int64, limit: Int) async throws -> [RecordedEvent] {
        guard limit > 0 else { throw EventStoreError.invalidReadLimit(limit) }
        return try await events("SELECT * FROM chronicle_events WHERE position > \(bind: position) ORDER BY position LIMIT \(bind: limit)")
    }

    /// The newest event's position, or 0.
    public func headPosition() async throws -> Int64 {
        try await reader.sql().raw("SELECT coalesce(max(position), 0) AS head FROM chronicle_events")
            .first(decodingColumn: "head", as: Int64.self) ?? 0
    }

    private func events(_ query: SQLQueryString) async throws -> [RecordedEvent] {
        let rows = try await reader.sql().raw(query).all()
        return try upcasters.upcast(rows.map(RecordedEvent.init(chronicleEventsRow:)))
    }
}
