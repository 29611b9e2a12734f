public import Chronicle
import ChronicleProjections
import Foundation
import SQLiteNIO

extension SQLiteEventStore {
    /// Appends events to one entity, all or nothing. See `EventStore.append(_:to:expected:)`.
    ///
    /// The append reads the entity's current version, checks the expectation, and inserts the
    /// events in one statement (one transaction for very large appends). Appends from this
    /// process take turns on the writer connection; a concurrent append from another process
    /// that wins the race trips the unique `(entity_id, version)` index and turns into
    /// `EventStoreError.Code.wrongExpectedVersion`.
    @discardableResult
    public func append(_ events: [NewEvent], to stream: StreamName, expected: ExpectedVersion) async throws -> AppendResult {
        let append = try PreparedAppend(
            events, to: stream, expected: expected, limits: configuration.limits, now: configuration.now())
        let result: AppendResult
        do {
            result = try await writeLock.withLock {
                try await append.retryingLostRaces { try await self.insert(append, insideTransaction: false) }
            }
        } catch {
            throw Self.databaseFailure(error, stream: stream)
        }
        appended.signal()
        return result
    }

    /// Inserts the events after the entity's current version. Outside a transaction, an append
    /// too large for one statement gets a transaction of its own.
    func insert(_ append: PreparedAppend, insideTransaction: Bool) async throws -> AppendResult {
        let stream = append.stream
        let current = try await writer.query(
            "SELECT version, entity_type FROM events WHERE entity_id = ?1 ORDER BY version DESC LIMIT 1",
            [.text(stream.entityID)])
        let currentVersion = current.first?.column("version")?.integer ?? 0
        try append.check(currentVersion: currentVersion, storedEntityType: current.first?.column("entity_type")?.string)

        var positions: [Int: Int64] = [:]  // by version
        do {
            let chunks = stride(from: 0, to: append.entries.count, by: Self.rowsPerInsert).map {
                append.entries[$0..<min($0 + Self.rowsPerInsert, append.entries.count)]
            }
            let ownTransaction = chunks.count > 1 && !insideTransaction
            if ownTransaction { try await writer.runTransactionStatement("BEGIN IMMEDIATE") }
            do {
                for chunk in chunks {
                    let (sql, binds) = Self.insertStatement(for: chunk, of: stream, after: currentVersion)
                    for row in try await writer.query(sql, binds) {
                        if let version = row.column("version")?.integer, let position = row.column("position")?.integer {
                            positions[version] = Int64(position)
                        }
                    }
                }
                if ownTransaction { try await writer.runTransactionStatement("COMMIT") }
            } catch {
                if ownTransaction { try? await writer.runTransactionStatement("ROLLBACK") }
                throw error
            }
        } catch let error as SQLiteError where error.reason == .constraintUniqueFailed || error.reason == .constraintPrimaryKeyFailed {
            throw try await translate(error, of: append)
        }
        let ordered = (1...append.entries.count).compactMap { positions[currentVersion + $0] }
        guard ordered.count == append.entries.count else {
            throw EventStoreError(code: .databaseFailure, message: "The insert into events did not return every position.", stream: stream)
        }
        return AppendResult(events: append.recordedEvents(after: currentVersion, positions: ordered))
    }

    /// SQLite allows 32,766 parameters per statement; seven per row stays well below.
    static let rowsPerInsert = 500

    static func insertStatement(
        for entries: ArraySlice<PreparedAppend.Entry>, of stream: StreamName, after currentVersion: Int
    ) -> (String, [SQLiteData]) {
        var binds: [SQLiteData] = [.text(stream.entityType), .text(stream.entityID)]
        binds.reserveCapacity(2 + 7 * entries.count)
        var rows: [String] = []
        rows.reserveCapacity(entries.count)
        for index in entries.indices {
            let entry = entries[index]
            let first = binds.count + 1
            rows.append("(?\(first), ?1, ?2, ?\(first + 1), ?\(first + 2), ?\(first + 3), ?\(first + 4), ?\(first + 5), ?\(first + 6))")
            binds += [
                .text(entry.id.uuidString.lowercased()),
                .integer(currentVersion + 1 + index),
                .text(entry.eventType),
                .integer(entry.schemaVersion),
                .text(String(decoding: entry.metadataJSON, as: UTF8.self)),
                .text(String(decoding: entry.data, as: UTF8.self)),
                .integer(Int(Timestamp.microseconds(since1970: entry.createdAt))),
            ]
        }
        let sql = """
            INSERT INTO events (event_id, entity_type, entity_id, version, event_type, schema_version, meta, data, created_at)
            VALUES \(rows.joined(separator: ", "))
            RETURNING position, version
            """
        return (sql, binds)
    }

    /// Turns a unique violation into the error it means: another writer took the version, or an
    /// event id is already stored.
    private func translate(_ error: SQLiteError, of append: PreparedAppend) async throws -> EventStoreError {
        if error.message.contains("event_id") {
            let ids = append.entries.map { SQLiteData.text($0.id.uuidString.lowercased()) }
            let placeholders = ids.indices.map { "?\($0 + 1)" }.joined(separator: ", ")
            let stored = try await writer.query("SELECT event_id FROM events WHERE event_id IN (\(placeholders)) LIMIT 1", ids)
            let id = stored.first?.column("event_id")?.string.flatMap(UUID.init(uuidString:)) ?? append.entries[0].id
            return .duplicateEventID(id, stream: append.stream)
        }
        let current = try await writer.query(
            "SELECT max(version) AS version FROM events WHERE entity_id = ?1", [.text(append.stream.entityID)])
        return .wrongExpectedVersion(
            stream: append.stream, expected: append.expected, actual: current.first?.column("version")?.integer ?? 0)
    }

    /// An error Chronicle does not translate, with SQLite's message.
    static func databaseFailure(_ error: any Error, stream: StreamName? = nil) -> any Error {
        guard let error = error as? SQLiteError else { return error }
        let hint = error.message.contains("no such table") ? ". The store's schema is missing from this file: run migrate() first." : "."
        return EventStoreError(code: .databaseFailure, message: "SQLite error: \(error.message)\(hint)", stream: stream, underlying: error)
    }
}
