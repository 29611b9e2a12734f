public import Chronicle
public import ChronicleSQL
import Foundation
public import SQLKit
import SQLiteKit
import SQLiteNIO

/// A write transaction on the writer connection.
public struct SimpleSQLiteTransaction: Sendable {
    let connection: SQLiteConnection
    /// SQL on the transaction.
    public var sql: any SQLDatabase { connection.sql() }
}

extension SimpleSQLiteEventStore: EventStore, SQLAppendWriter {
    /// Appends events to one entity, all or nothing, through Chronicle's `AppendPipeline`.
    @discardableResult
    public func append(_ events: [NewEvent], to stream: StreamName, expected: ExpectedVersion) async throws -> AppendResult {
        let append = try PreparedAppend(events, to: stream, expected: expected, limits: limits, now: Date())
        return try await pipeline.append(append, by: self)
    }

    /// Writes one append in a transaction of its own.
    public func write(_ append: PreparedAppend) async throws -> AppendResult {
        try await withTransaction(sharingLocksOf: [], reservingPositionsFor: append.entries.count) { transaction in
            try await self.insert(append, on: transaction.sql, refusingInlineProjections: true)
        }
    }

    /// Runs work in a transaction on the writer connection, in its turn. The writer's turn
    /// excludes every other writer, so the locks need nothing more.
    public func withTransaction<Result: Sendable>(
        sharingLocksOf locks: [String], reservingPositionsFor eventCount: Int,
        _ work: @escaping @Sendable (SimpleSQLiteTransaction) async throws -> Result
    ) async throws -> Result {
        try await writerTurns.take {
            try await self.inTransaction { try await work(SimpleSQLiteTransaction(connection: self.writer)) }
        }
    }

    /// Writes one append inside a transaction.
    public func write(
        _ append: PreparedAppend, in transaction: SimpleSQLiteTransaction, applyingInlineProjections: Bool
    ) async throws -> AppendResult {
        try await insert(append, on: transaction.sql, refusingInlineProjections: !applyingInlineProjections)
    }

    /// Runs a statement of a savepoint in the transaction (`SQLAppendWriter` builds the
    /// savepoints from it).
    public func execute(_ statement: String, in transaction: SimpleSQLiteTransaction) async throws {
        try await transaction.connection.control(statement)
    }

    /// Wakes whoever follows the log in this process.
    public func announceAppend() {
        appended.signal()
    }

    /// Checks the append against the stored entity, the inline projections and the stored
    /// event ids, then inserts its events one by one. The caller's transaction holds the
    /// writer, so nothing changes between the checks and the inserts.
    func insert(_ append: PreparedAppend, on sql: any SQLDatabase, refusingInlineProjections: Bool) async throws -> AppendResult {
        let stream = append.stream
        let newest = try await sql.raw(
            "SELECT version, entity_type FROM chronicle_events WHERE entity_id = \(bind: stream.entityID) ORDER BY version DESC LIMIT 1"
        ).first()
        let current = try newest?.decode(column: "version", as: Int.self) ?? 0
        try append.check(currentVersion: current, storedEntityType: try newest?.decode(column: "entity_type", as: String.self))

        let types = append.entries.map(\.eventType)
        if refusingInlineProjections, let inline = try await sql.raw("""
            SELECT p.name, p.event_types FROM chronicle_projections p, json_each(p.event_types) t
            WHERE p.mode = 'inline' AND t.value IN (\(binds: types)) ORDER BY p.name LIMIT 1
            """).first()
        {
            throw append.bypassing(
                try inline.decode(column: "name", as: String.self), handledTypes: try inline.decode(column: "event_types", as: String.self))
        }

        let ids = append.entries.map { $0.id.uuidString.lowercased() }
        if let taken = try await sql.raw("SELECT event_id FROM chronicle_events WHERE event_id IN (\(binds: ids)) LIMIT 1").first() {
            let id = UUID(uuidString: try taken.decode(column: "event_id", as: String.self)) ?? append.entries[0].id
            throw EventStoreError.duplicateEventID(id, stream: stream)
        }

        var positions: [Int64] = []
        for (offset, entry) in append.entries.enumerated() {
            let row = try await sql.raw("""
                INSERT INTO chronicle_events
                    (event_id, entity_type, entity_id, version, event_type, schema_version, meta, data, created_at)
                VALUES (\(bind: ids[offset]), \(bind: stream.entityType), \(bind: stream.entityID), \(bind: current + offset + 1),
                    \(bind: entry.eventType), \(bind: entry.schemaVersion), \(bind: String(decoding: entry.metadataJSON, as: UTF8.self)),
                    \(bind: String(decoding: entry.data, as: UTF8.self)), \(bind: Timestamp.microseconds(since1970: entry.createdAt)))
                RETURNING position
                """).first()
            guard let position = try row?.decode(column: "position", as: Int64.self) else {
                throw EventStoreError(code: .databaseFailure, message: "The insert returned no position.", stream: stream)
            }
            positions.append(position)
        }
        return AppendResult(events: append.recordedEvents(after: current, positions: positions))
    }
}
