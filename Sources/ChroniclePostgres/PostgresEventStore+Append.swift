public import Chronicle
import Foundation
import Logging
public import PostgresNIO

extension PostgresEventStore {
    /// Appends events to one entity, all or nothing. See ``Chronicle/EventStore/append(_:to:expected:)``.
    ///
    /// One round trip: the `chronicle_append` function checks the expected version under a lock
    /// on the entity, takes positions, and inserts the events, in one transaction.
    @discardableResult
    public func append(_ events: [NewEvent], to stream: StreamName, expected: ExpectedVersion) async throws -> AppendResult {
        let append = try PreparedAppend(
            events, to: stream, expected: expected, limits: configuration.limits, now: configuration.now())
        do {
            return try await client.withConnection { connection in
                let rows = try await connection.query(Self.appendQuery(append), logger: configuration.logger)
                return try await Self.result(of: append, rows: rows)
            }
        } catch {
            throw await translate(error, of: append)
        }
    }

    /// Appends events to one entity inside a transaction the caller runs.
    ///
    /// Use it to write the events and rows of your own in one transaction:
    ///
    /// ```swift
    /// try await store.client.withTransaction(logger: logger) { connection in
    ///     try await store.append(events, to: stream, expected: .exactly(3), on: connection)
    ///     try await connection.query("UPDATE meeting_rooms SET booked = true WHERE …", logger: logger)
    /// }
    /// ```
    ///
    /// - Important: The append must be the first write of the transaction: the order readers
    ///   rely on is taken from the transaction id that the append assigns. A transaction that
    ///   wrote before fails with ``Chronicle/EventStoreError/Code/invalidInput``. An error leaves the
    ///   transaction aborted: roll it back.
    @discardableResult
    public func append(
        _ events: [NewEvent], to stream: StreamName, expected: ExpectedVersion, on connection: PostgresConnection
    ) async throws -> AppendResult {
        let append = try PreparedAppend(
            events, to: stream, expected: expected, limits: configuration.limits, now: configuration.now())
        do {
            let rows = try await connection.query(Self.appendQuery(append), logger: configuration.logger)
            return try await Self.result(of: append, rows: rows)
        } catch {
            throw await translate(error, of: append, connection: connection)
        }
    }

    static func appendQuery(_ append: PreparedAppend) -> PostgresQuery {
        let entries = append.entries
        let ids = entries.map(\.id)
        let types = entries.map(\.eventType)
        let schemaVersions = entries.map(\.schemaVersion)
        let metas = entries.map { PostgresJSON(text: $0.metadataJSON) }
        let datas = entries.map { PostgresJSON(text: $0.data) }
        let times = entries.map { PostgresTimestamp(microsecondsSince1970: Timestamp.microseconds(since1970: $0.createdAt)) }
        return """
            SELECT event_position, event_version FROM chronicle_append(
                \(append.stream.entityType), \(append.stream.entityID), \(append.expected.requiredVersion),
                \(ids), \(types), \(schemaVersions)::integer[], \(metas), \(datas), \(times))
            """
    }

    static func result(of append: PreparedAppend, rows: PostgresRowSequence) async throws -> AppendResult {
        var positions: [Int64] = []
        var firstVersion: Int?
        for try await (position, version) in rows.decode((Int64, Int).self) {
            positions.append(position)
            firstVersion = firstVersion ?? version
        }
        guard positions.count == append.entries.count, let firstVersion else {
            throw EventStoreError(
                code: .databaseFailure, message: "chronicle_append returned \(positions.count) positions for \(append.entries.count) events.",
                stream: append.stream)
        }
        return AppendResult(events: append.recordedEvents(after: firstVersion - 1, positions: positions))
    }
}
