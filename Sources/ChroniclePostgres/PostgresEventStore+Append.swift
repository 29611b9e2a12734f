public import Chronicle
import Foundation
import Logging
public import PostgresNIO

extension PostgresEventStore {
    /// Appends events to one entity, all or nothing. See ``Chronicle/EventStore/append(_:to:expected:)``.
    ///
    /// One statement, one round trip: it reads the entity's current version, takes positions
    /// from `chronicle_reserve_positions`, and inserts the events only if the version is the
    /// expected one. Two writers that read the same version collide on the unique
    /// `(entity_id, version)` index; the loser's append fails with
    /// ``Chronicle/EventStoreError/Code/wrongExpectedVersion``, or, at ``Chronicle/ExpectedVersion/any``,
    /// is tried again.
    @discardableResult
    public func append(_ events: [NewEvent], to stream: StreamName, expected: ExpectedVersion) async throws -> AppendResult {
        let append = try PreparedAppend(
            events, to: stream, expected: expected, limits: configuration.limits, now: configuration.now())
        var attempt = 1
        while true {
            do {
                return try await client.withConnection { connection in
                    try await insert(append, on: connection, insideTransaction: false)
                }
            } catch let error as EventStoreError
                where error.code == .wrongExpectedVersion && expected == .any && attempt < Self.attemptsAtAnyVersion
            {
                attempt += 1
            }
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
    ///   wrote before fails with ``Chronicle/EventStoreError/Code/invalidInput``. An append at
    ///   ``Chronicle/ExpectedVersion/any`` that loses a race is not tried again here: the
    ///   transaction is aborted and the error is ``Chronicle/EventStoreError/Code/wrongExpectedVersion``.
    @discardableResult
    public func append(
        _ events: [NewEvent], to stream: StreamName, expected: ExpectedVersion, on connection: PostgresConnection
    ) async throws -> AppendResult {
        let append = try PreparedAppend(
            events, to: stream, expected: expected, limits: configuration.limits, now: configuration.now())
        return try await insert(append, on: connection, insideTransaction: true)
    }

    /// How often an append at any version is tried when other writers keep taking the version.
    static let attemptsAtAnyVersion = 100

    /// Runs the append statement and explains a refusal on the same connection, which is still
    /// usable after a failed statement unless it is inside the caller's (now aborted) transaction.
    private func insert(
        _ append: PreparedAppend, on connection: PostgresConnection, insideTransaction: Bool
    ) async throws -> AppendResult {
        var positions: [Int: Int64] = [:]  // by version
        do {
            let rows = try await connection.query(Self.appendStatement(append), logger: configuration.logger)
            for try await (position, version) in rows.decode((Int64, Int).self) {
                positions[version] = position
            }
        } catch {
            let problem = Self.translate(error, of: append)
            guard case .some(let question) = problem.question else { throw problem.error }
            if insideTransaction {
                throw try await client.withConnection { fresh in try await answer(question, of: append, on: fresh) }
            }
            throw try await answer(question, of: append, on: connection)
        }
        guard let firstVersion = positions.keys.min() else {
            // The statement's WHERE refused: the entity is at another version or of another type.
            throw try await answer(.whyRefused, of: append, on: connection)
        }
        let ordered = (0..<append.entries.count).compactMap { positions[firstVersion + $0] }
        guard ordered.count == append.entries.count else {
            throw EventStoreError(
                code: .databaseFailure, message: "The append returned \(positions.count) positions for \(append.entries.count) events.",
                stream: append.stream)
        }
        return AppendResult(events: append.recordedEvents(after: firstVersion - 1, positions: ordered))
    }

    /// The append statement. Read it top to bottom:
    /// 1. `current`: the entity's version (0 when new) and entity type, from the newest event;
    /// 2. `reserved`: the transaction id and consecutive positions (rule 1 of the migration);
    /// 3. the insert of one row per event, only when the version and type are the expected ones.
    static func appendStatement(_ append: PreparedAppend) -> PostgresQuery {
        let entries = append.entries
        let stream = append.stream
        let ids = entries.map(\.id)
        let types = entries.map(\.eventType)
        let schemaVersions = entries.map(\.schemaVersion)
        let metas = entries.map { PostgresJSON(text: $0.metadataJSON) }
        let datas = entries.map { PostgresJSON(text: $0.data) }
        let times = entries.map { PostgresTimestamp(microsecondsSince1970: Timestamp.microseconds(since1970: $0.createdAt)) }
        let required = append.expected.requiredVersion
        return """
            WITH newest AS (
                SELECT version, entity_type FROM events
                WHERE entity_id = \(stream.entityID) ORDER BY version DESC LIMIT 1
            ), current AS (
                SELECT coalesce((SELECT version FROM newest), 0) AS version, (SELECT entity_type FROM newest) AS entity_type
            ), reserved AS (
                SELECT transaction_id, first_position FROM chronicle_reserve_positions(\(entries.count)::integer)
            )
            INSERT INTO events (position, transaction_id, event_id, entity_type, entity_id, version,
                                event_type, schema_version, meta, data, created_at)
            SELECT r.first_position + e.n - 1, r.transaction_id, e.event_id, \(stream.entityType), \(stream.entityID),
                   c.version + e.n, e.event_type, e.schema_version, e.meta, e.data, e.created_at
            FROM current c, reserved r,
                 unnest(\(ids), \(types), \(schemaVersions)::integer[], \(metas), \(datas), \(times))
                     WITH ORDINALITY AS e(event_id, event_type, schema_version, meta, data, created_at, n)
            WHERE (\(required)::bigint IS NULL OR c.version = \(required))
              AND coalesce(c.entity_type = \(stream.entityType), true)
            RETURNING position, version
            """
    }
}
