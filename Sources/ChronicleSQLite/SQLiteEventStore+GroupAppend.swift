import Chronicle
import Foundation
import SQLiteNIO

extension SQLiteEventStore {
    /// The most events in a group of appends (see `GroupCommit`): eight parameters each and four
    /// per append stay well below SQLite's 32,766 per statement.
    static let maximumEventsPerGroup = 500

    /// Writes a group of appends to different entities with one statement, one transaction and
    /// one commit, and tells what became of each: written, or refused (its expectation did not
    /// hold, or the statement failed and wrote nothing), which is then written alone.
    func insert(_ appends: [PreparedAppend]) async -> [AppendOutcome] {
        let (sql, binds) = Self.groupInsertStatement(for: appends)
        var rows: [String: [(version: Int, position: Int64)]] = [:]
        do {
            let inserted = try await writeLock.withLock(waitingAtMost: configuration.writerTimeout) { try await writer.query(sql, binds) }
            for row in inserted {
                guard let entityID = row.column("entity_id")?.string, let version = row.column("version")?.integer,
                    let position = row.column("position")?.integer
                else { continue }
                rows[entityID, default: []].append((version, Int64(position)))
            }
        } catch let error as SQLiteError where !EventStoreError.isUnavailable(Self.translate(error)) {
            // One statement outside a transaction: it failed whole and wrote nothing, and each
            // append is written alone.
            return appends.map { _ in .refused }
        } catch {
            let failure = Self.translate(error)
            return appends.map { _ in .failed(failure) }
        }
        return AppendOutcome.outcomes(of: appends, writtenRows: rows)
    }

    /// The insert of a group's events, as one statement:
    /// 1. `appends`: one row per append (`k` is its place in the group) with its expected
    ///    version (any, when null);
    /// 2. `accepted`: the appends whose entity is at the expected version and of the stream's
    ///    type, with that version, from the entity's newest event;
    /// 3. the insert of their events (`e`: the append's `k`, then the columns of
    ///    `binds(of:at:)`), in the group's order, after each entity's version, unless an inline
    ///    projection handles one of the group's event types (the appends are then written alone,
    ///    which refuses exactly those that would skip it).
    /// It returns the entity, version and position of each row; an append with none was refused.
    static func groupInsertStatement(for appends: [PreparedAppend]) -> (String, [SQLiteData]) {
        var binds: [SQLiteData] = []
        var appendRows: [String] = []
        var eventRows: [String] = []
        func placeholders(_ count: Int) -> String {
            let first = binds.count + 1
            return "(" + (first..<(first + count)).map { "?\($0)" }.joined(separator: ", ") + ")"
        }
        for (k, append) in appends.enumerated() {
            appendRows.append(placeholders(4))
            binds += [
                .integer(k + 1), .text(append.stream.entityType), .text(append.stream.entityID),
                append.expected.requiredVersion.map { .integer($0) } ?? .null,
            ]
        }
        // Parameters are numbered in the order the statement text uses them, so that SQLite
        // never looks one up (see `noInlineProjectionHandles(_:binds:)`): the appends, the
        // event types, the events.
        let inlineCheck = noInlineProjectionHandles(appends.flatMap { $0.entries.map(\.eventType) }, binds: &binds)
        for (k, append) in appends.enumerated() {
            for (offset, entry) in append.entries.enumerated() {
                eventRows.append(placeholders(8))
                binds += [.integer(k + 1)] + Self.binds(of: entry, at: offset + 1)
            }
        }
        let sql = """
            WITH appends(k, entity_type, entity_id, expected) AS (VALUES \(appendRows.joined(separator: ", "))),
            accepted AS (
                SELECT k, entity_type, entity_id, version FROM (
                    SELECT a.k, a.entity_type, a.entity_id, a.expected,
                           coalesce((SELECT max(version) FROM chronicle_events WHERE entity_id = a.entity_id), 0) AS version,
                           (SELECT entity_type FROM chronicle_events WHERE entity_id = a.entity_id ORDER BY version DESC LIMIT 1) AS stored_type
                    FROM appends AS a
                )
                WHERE (expected IS NULL OR version = expected) AND coalesce(stored_type = entity_type, 1)
                    AND \(inlineCheck)
            )
            INSERT INTO chronicle_events (event_id, entity_type, entity_id, version, event_type, schema_version, meta, data, created_at)
            SELECT e.column2, a.entity_type, a.entity_id, a.version + e.column3, e.column4, e.column5, e.column6, e.column7, e.column8
            FROM (VALUES \(eventRows.joined(separator: ", "))) AS e
            JOIN accepted AS a ON a.k = e.column1
            ORDER BY e.column1, e.column3
            RETURNING entity_id, version, position
            """
        return (sql, binds)
    }
}
