public import Chronicle
import ChronicleSQL
import Foundation
import SQLiteNIO

extension SQLiteEventStore {
    /// Appends events to one entity, all or nothing. See `EventStore.append(_:to:expected:)`.
    ///
    /// One statement reads the entity's current version, checks the expectation, and inserts the
    /// events (one transaction of several statements for very large appends). Appends from this
    /// process take turns on the writer connection, and those that wait for their turn are then
    /// written together, one statement and one commit for the group (`GroupCommit`). A
    /// concurrent append from another process that wins the race trips the unique
    /// `(entity_id, version)` index and turns into `EventStoreError.Code.wrongExpectedVersion`.
    /// The steps around the database work are `AppendPipeline`'s.
    @discardableResult
    public func append(_ events: [NewEvent], to stream: StreamName, expected: ExpectedVersion) async throws -> AppendResult {
        let append = try await prepared(events, to: stream, expected: expected, limits: configuration.limits, now: configuration.now())
        do {
            return try await pipeline.append(append, by: self).withData(of: events)
        } catch {
            throw Self.translate(error, stream: stream)
        }
    }

    /// Inserts the events after the entity's current version, each statement checking the
    /// expectation itself (one statement, one round trip for all but very large appends).
    /// Outside a transaction, an append too large for one statement gets a transaction of its own.
    /// Unless it comes through the read side (`appliesInlineProjections`), an append of event
    /// types an inline projection handles is refused.
    func insert(_ append: PreparedAppend, insideTransaction: Bool, appliesInlineProjections: Bool = false) async throws -> AppendResult {
        let stream = append.stream
        var positions: [Int64] = []
        positions.reserveCapacity(append.entries.count)
        var firstVersion: Int?
        do {
            let chunks = stride(from: 0, to: append.entries.count, by: Self.rowsPerInsert).map {
                append.entries[$0..<min($0 + Self.rowsPerInsert, append.entries.count)]
            }
            let ownTransaction = chunks.count > 1 && !insideTransaction
            if ownTransaction { try await writer.runTransactionStatement("BEGIN IMMEDIATE") }
            do {
                for chunk in chunks {
                    // The first chunk expects what the caller expects; later ones, the version the
                    // previous chunk reached.
                    let expected = firstVersion.map { $0 - 1 + positions.count } ?? append.expected.requiredVersion
                    let (sql, binds) = Self.insertStatement(
                        for: chunk, of: stream, expected: expected, checkingInlineProjections: !appliesInlineProjections)
                    let rows = try await writer.query(sql, binds).compactMap { row -> (version: Int, position: Int64)? in
                        guard let version = row.column("version")?.integer, let position = row.column("position")?.integer else { return nil }
                        return (version, Int64(position))
                    }
                    guard rows.count == chunk.count else {
                        // The statement's WHERE refused: the entity is at another version or of
                        // another type, or an inline projection handles the events.
                        throw try await refusal(of: append)
                    }
                    if firstVersion == nil { firstVersion = rows.map(\.version).min() }
                    positions += rows.sorted { $0.version < $1.version }.map(\.position)
                }
                if ownTransaction { try await writer.runTransactionStatement("COMMIT") }
            } catch {
                if ownTransaction { try? await writer.runTransactionStatement("ROLLBACK") }
                throw error
            }
        } catch let error as SQLiteError where error.reason == .constraintUniqueFailed || error.reason == .constraintPrimaryKeyFailed {
            throw try await explainUniqueViolation(error, of: append)
        }
        guard let firstVersion, positions.count == append.entries.count else {
            throw EventStoreError(code: .databaseFailure, message: "The insert into events did not return every position.", stream: stream)
        }
        return AppendResult(events: append.recordedEvents(after: firstVersion - 1, positions: positions))
    }

    /// SQLite allows 32,766 parameters per statement; seven per row stays well below.
    static let rowsPerInsert = 500

    /// The insert of `entries` after the entity's newest event, as one statement that inserts
    /// nothing unless the entity is at the `expected` version (any, when `nil`) and of the
    /// stream's entity type, and, when checking, no inline projection handles one of the events'
    /// types. It returns the position and version of each row.
    static func insertStatement(
        for entries: ArraySlice<PreparedAppend.Entry>, of stream: StreamName, expected: Int?, checkingInlineProjections: Bool
    ) -> (String, [SQLiteData]) {
        var binds: [SQLiteData] = [.text(stream.entityType), .text(stream.entityID), expected.map { .integer($0) } ?? .null]
        binds.reserveCapacity(3 + 7 * entries.count)
        var rows: [String] = []
        rows.reserveCapacity(entries.count)
        for (offset, entry) in entries.enumerated() {
            let first = binds.count + 1
            rows.append("(?\(first), ?\(first + 1), ?\(first + 2), ?\(first + 3), ?\(first + 4), ?\(first + 5), ?\(first + 6))")
            binds += Self.binds(of: entry, at: offset + 1)
        }
        let inlineCheck = checkingInlineProjections ? " AND " + Self.noInlineProjectionHandles(entries.map(\.eventType), binds: &binds) : ""
        // `e.column2` is the event's place in the append: 1, 2, 3, ... The newest event of the
        // entity, if any, gives its version and type.
        let sql = """
            INSERT INTO chronicle_events (event_id, entity_type, entity_id, version, event_type, schema_version, meta, data, created_at)
            SELECT e.column1, ?1, ?2, coalesce(n.version, 0) + e.column2, e.column3, e.column4, e.column5, e.column6, e.column7
            FROM (VALUES \(rows.joined(separator: ", "))) AS e
            LEFT JOIN (SELECT version, entity_type FROM chronicle_events WHERE entity_id = ?2 ORDER BY version DESC LIMIT 1) AS n
            WHERE (?3 IS NULL OR coalesce(n.version, 0) = ?3) AND coalesce(n.entity_type = ?1, 1)\(inlineCheck)
            RETURNING position, version
            """
        return (sql, binds)
    }

    /// A condition that holds when no inline projection handles one of the event types, which
    /// it binds (each distinct type once) after `binds`.
    ///
    /// The types get parameters of their own rather than reusing those of the event rows:
    /// SQLite looks up a parameter that is used again, or whose number is below one already
    /// seen, in a list of all of them, which made parsing a large append quadratic (500 types
    /// among 4,000 parameters). The caller places them so that numbers rise through the text.
    static func noInlineProjectionHandles(_ eventTypes: [String], binds: inout [SQLiteData]) -> String {
        var seen = Set<String>()
        var places: [String] = []
        for type in eventTypes where seen.insert(type).inserted {
            binds.append(.text(type))
            places.append("?\(binds.count)")
        }
        return """
            NOT EXISTS (SELECT 1 FROM chronicle_projections p, json_each(p.event_types) t
                WHERE p.mode = 'inline' AND t.value IN (\(places.joined(separator: ", "))))
            """
    }

    /// The seven values of an event row: id, place in its append (from 1), type, schema version,
    /// metadata, data, time.
    static func binds(of entry: PreparedAppend.Entry, at place: Int) -> [SQLiteData] {
        [
            .text(entry.id.uuidString.lowercased()),
            .integer(place),
            .text(entry.eventType),
            .integer(entry.schemaVersion),
            .text(String(decoding: entry.metadataJSON, as: UTF8.self)),
            .text(String(decoding: entry.data, as: UTF8.self)),
            .integer(Int(Timestamp.microseconds(since1970: entry.createdAt))),
        ]
    }

    /// The error of an insert whose expectation failed: the entity's type or version as stored
    /// now, checked against the append.
    private func refusal(of append: PreparedAppend) async throws -> EventStoreError {
        let current = try await writer.query(
            "SELECT version, entity_type FROM chronicle_events WHERE entity_id = ?1 ORDER BY version DESC LIMIT 1",
            [.text(append.stream.entityID)])
        let currentVersion = current.first?.column("version")?.integer ?? 0
        do {
            try append.check(currentVersion: currentVersion, storedEntityType: current.first?.column("entity_type")?.string)
        } catch let error as EventStoreError {
            return error
        }
        let types = append.entries.map { SQLiteData.text($0.eventType) }
        let inline = try await writer.query(
            """
            SELECT p.name, p.event_types FROM chronicle_projections p, json_each(p.event_types) t
            WHERE p.mode = 'inline' AND t.value IN (\(types.indices.map { "?\($0 + 1)" }.joined(separator: ", ")))
            ORDER BY p.name LIMIT 1
            """, types)
        if let name = inline.first?.column("name")?.string, let handled = inline.first?.column("event_types")?.string {
            return append.bypassing(name, handledTypes: handled)
        }
        return EventStoreError(
            code: .databaseFailure, message: "The insert into events was refused, yet the entity as stored now meets the append's expectation.",
            stream: append.stream)
    }

    /// Turns a unique violation into the error it means: another writer took the version, or an
    /// event id is already stored.
    private func explainUniqueViolation(_ error: SQLiteError, of append: PreparedAppend) async throws -> EventStoreError {
        if error.message.contains("event_id") {
            let ids = append.entries.map { SQLiteData.text($0.id.uuidString.lowercased()) }
            let placeholders = ids.indices.map { "?\($0 + 1)" }.joined(separator: ", ")
            let stored = try await writer.query("SELECT event_id FROM chronicle_events WHERE event_id IN (\(placeholders)) LIMIT 1", ids)
            let id = stored.first?.column("event_id")?.string.flatMap(UUID.init(uuidString:)) ?? append.entries[0].id
            return .duplicateEventID(id, stream: append.stream)
        }
        let current = try await writer.query(
            "SELECT max(version) AS version FROM chronicle_events WHERE entity_id = ?1", [.text(append.stream.entityID)])
        return .wrongExpectedVersion(
            stream: append.stream, expected: append.expected, actual: current.first?.column("version")?.integer ?? 0)
    }
}
