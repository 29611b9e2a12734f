import Chronicle
import ChronicleMigrations
import ChronicleSQL
import Foundation
import SQLKit

/// A row of `projections`.
struct ProjectionRow: Sendable {
    var name: String
    var version: Int
    var mode: String
    var position: Int64
    var generation: Int
    /// Into how many partitions its tables were built.
    var partitions: Int
    var lastError: String?
    var errorPosition: Int64?
    var failedAt: Int64?
}

/// A row of `projection_rebuilds`: an online rebuild under way.
struct RebuildRow: Sendable {
    var name: String
    var version: Int
    var generation: Int
    var position: Int64
}

/// A row of `reactors`.
struct ReactorRow: Sendable {
    var name: String
    var position: Int64
    var registeredPosition: Int64
    var lastError: String?
    var errorPosition: Int64?
    var failedAt: Int64?
}

/// The read side's own statements on its bookkeeping tables, the same in both dialects.
enum Bookkeeping {
    static func microseconds(_ date: Date) -> Int64 {
        Timestamp.microseconds(since1970: date)
    }

    // MARK: projections

    static func projections(on sql: any SQLDatabase) async throws -> [ProjectionRow] {
        try await sql.raw("""
            SELECT name, version, mode, position, generation, partitions, last_error, error_position, failed_at
            FROM chronicle_projections ORDER BY name
            """).all().map(projection)
    }

    /// Whether the log holds an event at a position.
    static func hasEvent(at position: Int64, on sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("SELECT 1 AS found FROM chronicle_events WHERE position = \(bind: position)").first() != nil
    }

    static func projection(_ name: String, on sql: any SQLDatabase) async throws -> ProjectionRow? {
        try await sql.raw("""
            SELECT name, version, mode, position, generation, partitions, last_error, error_position, failed_at
            FROM chronicle_projections WHERE name = \(bind: name)
            """).first().map(projection)
    }

    private static func projection(_ row: any SQLRow) throws -> ProjectionRow {
        ProjectionRow(
            name: try row.decode(column: "name", as: String.self),
            version: try row.decode(column: "version", as: Int.self),
            mode: try row.decode(column: "mode", as: String.self),
            position: try row.decode(column: "position", as: Int64.self),
            generation: try row.decode(column: "generation", as: Int.self),
            partitions: try row.decode(column: "partitions", as: Int.self),
            lastError: try row.decode(column: "last_error", as: String?.self),
            errorPosition: try row.decode(column: "error_position", as: Int64?.self),
            failedAt: try row.decode(column: "failed_at", as: Int64?.self))
    }

    static func insertProjection(
        _ name: String, version: Int, mode: String, partitions: Int, position: Int64, at now: Date, on sql: any SQLDatabase
    ) async throws {
        try await sql.raw("""
            INSERT INTO chronicle_projections (name, version, mode, partitions, position, generation, updated_at)
            VALUES (\(bind: name), \(bind: version), \(bind: mode), \(bind: partitions), \(bind: position), 0, \(bind: microseconds(now)))
            """).run()
    }

    /// Moves a projection's checkpoint and clears its failure.
    static func advance(projection name: String, to position: Int64, at now: Date, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE chronicle_projections SET position = \(bind: position), last_error = NULL, error_position = NULL,
                failed_at = NULL, updated_at = \(bind: microseconds(now))
            WHERE name = \(bind: name)
            """).run()
    }

    static func recordFailure(projection name: String, error: String, position: Int64?, at now: Date, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE chronicle_projections SET last_error = \(bind: error), error_position = \(bind: position),
                failed_at = \(bind: microseconds(now)), updated_at = \(bind: microseconds(now))
            WHERE name = \(bind: name)
            """).run()
    }

    /// Makes a projection live at a version, number of partitions, generation and checkpoint,
    /// its failure cleared. Its partitions' checkpoints, if any, are dropped: they start again
    /// from this one.
    static func replace(
        projection name: String, version: Int, mode: String, partitions: Int, generation: Int, position: Int64, at now: Date,
        on sql: any SQLDatabase
    ) async throws {
        try await sql.raw("""
            UPDATE chronicle_projections SET version = \(bind: version), mode = \(bind: mode), partitions = \(bind: partitions),
                generation = \(bind: generation), position = \(bind: position), last_error = NULL, error_position = NULL,
                failed_at = NULL, updated_at = \(bind: microseconds(now))
            WHERE name = \(bind: name)
            """).run()
        try await forgetPartitions(of: name, on: sql)
    }

    // MARK: online rebuilds

    static func rebuild(_ name: String, on sql: any SQLDatabase) async throws -> RebuildRow? {
        try await sql.raw("SELECT name, version, generation, position FROM chronicle_projection_rebuilds WHERE name = \(bind: name)")
            .first()
            .map { row in
                RebuildRow(
                    name: try row.decode(column: "name", as: String.self),
                    version: try row.decode(column: "version", as: Int.self),
                    generation: try row.decode(column: "generation", as: Int.self),
                    position: try row.decode(column: "position", as: Int64.self))
            }
    }

    static func insertRebuild(_ rebuild: RebuildRow, at now: Date, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            INSERT INTO chronicle_projection_rebuilds (name, version, generation, position, started_at)
            VALUES (\(bind: rebuild.name), \(bind: rebuild.version), \(bind: rebuild.generation), \(bind: rebuild.position), \(bind: microseconds(now)))
            """).run()
    }

    static func advance(rebuild name: String, to position: Int64, on sql: any SQLDatabase) async throws {
        try await sql.raw("UPDATE chronicle_projection_rebuilds SET position = \(bind: position) WHERE name = \(bind: name)").run()
    }

    static func deleteRebuild(_ name: String, on sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM chronicle_projection_rebuilds WHERE name = \(bind: name)").run()
    }

    // MARK: reactors

    static func reactors(on sql: any SQLDatabase) async throws -> [ReactorRow] {
        try await sql.raw("""
            SELECT name, position, registered_position, last_error, error_position, failed_at FROM chronicle_reactors ORDER BY name
            """).all().map(reactor)
    }

    static func reactor(_ name: String, on sql: any SQLDatabase) async throws -> ReactorRow? {
        try await sql.raw("""
            SELECT name, position, registered_position, last_error, error_position, failed_at FROM chronicle_reactors WHERE name = \(bind: name)
            """).first().map(reactor)
    }

    private static func reactor(_ row: any SQLRow) throws -> ReactorRow {
        ReactorRow(
            name: try row.decode(column: "name", as: String.self),
            position: try row.decode(column: "position", as: Int64.self),
            registeredPosition: try row.decode(column: "registered_position", as: Int64.self),
            lastError: try row.decode(column: "last_error", as: String?.self),
            errorPosition: try row.decode(column: "error_position", as: Int64?.self),
            failedAt: try row.decode(column: "failed_at", as: Int64?.self))
    }

    static func insertReactor(_ name: String, at position: Int64, now: Date, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            INSERT INTO chronicle_reactors (name, position, registered_position, updated_at)
            VALUES (\(bind: name), \(bind: position), \(bind: position), \(bind: microseconds(now)))
            """).run()
    }

    static func advance(reactor name: String, to position: Int64, at now: Date, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE chronicle_reactors SET position = \(bind: position), last_error = NULL, error_position = NULL, failed_at = NULL,
                updated_at = \(bind: microseconds(now))
            WHERE name = \(bind: name) AND position < \(bind: position)
            """).run()
    }

    static func recordFailure(reactor name: String, error: String, position: Int64?, at now: Date, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE chronicle_reactors SET last_error = \(bind: error), error_position = \(bind: position),
                failed_at = \(bind: microseconds(now)), updated_at = \(bind: microseconds(now))
            WHERE name = \(bind: name)
            """).run()
    }

    /// Forgets the failure recorded for a projection or reactor that has since caught up without
    /// failing: one whose next step found nothing to apply (its tables were migrated meanwhile,
    /// say) would otherwise be reported failing until the next event. Only once its checkpoint
    /// is past the failed event (or the failure was at none: the database was unavailable): a
    /// partitioned consumer's checkpoint is its lowest partition's, so a partition that caught
    /// up does not clear another's failure.
    static func clearFailure(of name: String, reactor: Bool, at now: Date, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE \(ident: reactor ? "chronicle_reactors" : "chronicle_projections")
            SET last_error = NULL, error_position = NULL, failed_at = NULL, updated_at = \(bind: microseconds(now))
            WHERE name = \(bind: name) AND last_error IS NOT NULL AND (error_position IS NULL OR error_position <= position)
            """).run()
    }

    static func hasReceipt(reactor name: String, eventID: UUID, on sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("""
            SELECT 1 AS done FROM chronicle_reactor_receipts WHERE reactor = \(bind: name) AND event_id = \(bind: eventID.uuidString.lowercased())
            """).first() != nil
    }

    static func insertReceipt(reactor name: String, eventID: UUID, at now: Date, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            INSERT INTO chronicle_reactor_receipts (reactor, event_id, done_at)
            VALUES (\(bind: name), \(bind: eventID.uuidString.lowercased()), \(bind: microseconds(now)))
            ON CONFLICT DO NOTHING
            """).run()
    }

    // MARK: parked events

    /// Records an event a consumer went past: parked (waiting for an operator) or skipped.
    static func park(
        _ event: RecordedEvent, by consumer: String, generation: Int, error: String, attempts: Int, skipped: Bool, at now: Date,
        on sql: any SQLDatabase
    ) async throws {
        let state = skipped ? ParkedEvent.State.skipped : .parked
        let resolvedAt = skipped ? microseconds(now) : nil
        let resolvedBy = skipped ? "policy" : nil
        try await sql.raw("""
            INSERT INTO chronicle_parked_events (consumer, generation, position, event_id, event_type, entity_type, entity_id,
                error, attempts, parked_at, state, resolved_at, resolved_by)
            VALUES (\(bind: consumer), \(bind: generation), \(bind: event.position), \(bind: event.id.uuidString.lowercased()),
                \(bind: event.eventType), \(bind: event.stream.entityType), \(bind: event.stream.entityID), \(bind: error),
                \(bind: attempts), \(bind: microseconds(now)), \(bind: state.rawValue), \(bind: resolvedAt), \(bind: resolvedBy))
            ON CONFLICT (consumer, generation, position) DO UPDATE SET error = excluded.error, attempts = excluded.attempts,
                parked_at = excluded.parked_at, state = excluded.state, resolved_at = excluded.resolved_at,
                resolved_by = excluded.resolved_by
            """).run()
    }

    /// The events consumers went past, oldest first: of one consumer, or of all.
    static func parkedEvents(of consumer: String?, on sql: any SQLDatabase) async throws -> [ParkedEvent] {
        let filter: SQLQueryString = consumer.map { "WHERE consumer = \(bind: $0)" } ?? ""
        return try await sql.raw("""
            SELECT consumer, generation, position, event_id, event_type, entity_type, entity_id, error, attempts, parked_at,
                state, resolved_at, resolved_by
            FROM chronicle_parked_events \(filter) ORDER BY consumer, generation, position
            """).all().map { row in
                ParkedEvent(
                    consumer: try row.decode(column: "consumer", as: String.self),
                    generation: try row.decode(column: "generation", as: Int.self),
                    position: try row.decode(column: "position", as: Int64.self),
                    eventID: try row.decode(column: "event_id", as: String.self),
                    eventType: try row.decode(column: "event_type", as: String.self),
                    stream: StreamName(
                        entityType: try row.decode(column: "entity_type", as: String.self),
                        entityID: try row.decode(column: "entity_id", as: String.self)),
                    error: try row.decode(column: "error", as: String.self),
                    attempts: try row.decode(column: "attempts", as: Int.self),
                    parkedAt: date(try row.decode(column: "parked_at", as: Int64.self)),
                    state: ParkedEvent.State(rawValue: try row.decode(column: "state", as: String.self)) ?? .parked,
                    resolvedAt: try row.decode(column: "resolved_at", as: Int64?.self).map(date),
                    resolvedBy: try row.decode(column: "resolved_by", as: String?.self))
            }
    }

    /// Marks a parked event resolved: retried successfully, or skipped by an operator.
    static func resolve(
        consumer: String, generation: Int, position: Int64, as state: ParkedEvent.State, by actor: String, at now: Date,
        on sql: any SQLDatabase
    ) async throws {
        try await sql.raw("""
            UPDATE chronicle_parked_events SET state = \(bind: state.rawValue), resolved_at = \(bind: microseconds(now)),
                resolved_by = \(bind: actor)
            WHERE consumer = \(bind: consumer) AND generation = \(bind: generation) AND position = \(bind: position)
            """).run()
    }

    /// Forgets the parked events of a projection's table generations other than `kept` (a
    /// rebuild replaced them), or of `only` that generation.
    static func forgetParkedEvents(of consumer: String, exceptGeneration kept: Int? = nil, onlyGeneration only: Int? = nil, on sql: any SQLDatabase) async throws {
        var query: SQLQueryString = "DELETE FROM chronicle_parked_events WHERE consumer = \(bind: consumer)"
        if let kept { query += " AND generation <> \(bind: kept)" }
        if let only { query += " AND generation = \(bind: only)" }
        try await sql.raw(query).run()
    }

    /// Records an operator's action on a consumer.
    static func recordAction(
        _ action: String, on consumer: String, position: Int64?, by actor: String, outcome: String, at now: Date, on sql: any SQLDatabase
    ) async throws {
        try await sql.raw("""
            INSERT INTO chronicle_read_side_actions (acted_at, actor, action, consumer, position, outcome)
            VALUES (\(bind: microseconds(now)), \(bind: actor), \(bind: action), \(bind: consumer), \(bind: position), \(bind: outcome))
            """).run()
    }

    // MARK: savepoints

    /// Marks a point in the transaction that ``rollBackToSavepoint(on:)`` returns to.
    static func savepoint(on sql: any SQLDatabase) async throws {
        try await sql.raw("SAVEPOINT chronicle_apply").run()
    }

    /// Keeps what was done since the savepoint.
    static func releaseSavepoint(on sql: any SQLDatabase) async throws {
        try await sql.raw("RELEASE SAVEPOINT chronicle_apply").run()
    }

    /// Undoes what was done since the savepoint (and, on PostgreSQL, clears a failed statement's
    /// abort), keeping the transaction open.
    static func rollBackToSavepoint(on sql: any SQLDatabase) async throws {
        try await sql.raw("ROLLBACK TO SAVEPOINT chronicle_apply").run()
        try await sql.raw("RELEASE SAVEPOINT chronicle_apply").run()
    }

    // MARK: tables

    /// Creates a projection's table under a physical name and records it as the projection's.
    ///
    /// - Throws: ``ReadSideError/Code/tableExists`` when a table of that name exists that the
    ///   projection's bookkeeping did not create: it is not touched.
    static func create(
        _ table: ProjectionTable, as physicalName: String, for projection: String, generation: Int, dialect: any StoreDialect,
        at now: Date, on sql: any SQLDatabase
    ) async throws {
        try await savepoint(on: sql)
        do {
            for statement in try table.creation(in: dialect, as: physicalName, for: projection) {
                try await sql.raw("\(unsafeRaw: statement)").run()
            }
        } catch let error where !EventStoreError.isUnavailable(error) && !(error is CancellationError) {
            try await rollBackToSavepoint(on: sql)
            throw ReadSideError(
                code: .tableExists,
                message: "Projection \(projection) cannot create its table \(physicalName): \(error). If a table of that name exists, the projection did not create it and leaves it alone: rename the projection's table, or move the other table away.",
                name: projection, underlying: error)
        }
        try await releaseSavepoint(on: sql)
        try await sql.raw("""
            INSERT INTO chronicle_projection_tables (table_name, projection, generation, created_at)
            VALUES (\(bind: physicalName), \(bind: projection), \(bind: generation), \(bind: microseconds(now)))
            """).run()
    }

    /// Drops a table the projection's bookkeeping created; a table it did not create is left
    /// alone.
    static func drop(table physicalName: String, of projection: String, on sql: any SQLDatabase) async throws {
        let owned = try await sql.raw("""
            SELECT 1 AS owned FROM chronicle_projection_tables WHERE table_name = \(bind: physicalName) AND projection = \(bind: projection)
            """).first() != nil
        guard owned else { return }
        try await sql.raw("DROP TABLE IF EXISTS \(ident: physicalName)").run()
        try await sql.raw("DELETE FROM chronicle_projection_tables WHERE table_name = \(bind: physicalName)").run()
    }

    /// Renames a table the projection's bookkeeping created (a rebuild's shadow table becoming
    /// the live one), keeping the record of it.
    static func rename(table physicalName: String, to newName: String, generation: Int, of projection: String, on sql: any SQLDatabase) async throws {
        try await sql.raw("ALTER TABLE \(ident: physicalName) RENAME TO \(ident: newName)").run()
        try await sql.raw("""
            UPDATE chronicle_projection_tables SET table_name = \(bind: newName), generation = \(bind: generation)
            WHERE table_name = \(bind: physicalName) AND projection = \(bind: projection)
            """).run()
    }

    /// The tables recorded as a projection's.
    static func tables(of projection: String, on sql: any SQLDatabase) async throws -> [String] {
        try await sql.raw("SELECT table_name FROM chronicle_projection_tables WHERE projection = \(bind: projection) ORDER BY table_name")
            .all().map { try $0.decode(column: "table_name", as: String.self) }
    }

    /// Records tables as a projection's: those a read side made before tables were recorded.
    static func adopt(tables physicalNames: [String], of projection: String, generation: Int, at now: Date, on sql: any SQLDatabase) async throws {
        for name in physicalNames {
            try await sql.raw("""
                INSERT INTO chronicle_projection_tables (table_name, projection, generation, created_at)
                VALUES (\(bind: name), \(bind: projection), \(bind: generation), \(bind: microseconds(now)))
                ON CONFLICT (table_name) DO NOTHING
                """).run()
        }
    }

    /// Records the event types an inline projection handles, which the store refuses to append
    /// past it (`nil` for an async projection).
    static func setEventTypes(_ eventTypes: Set<String>?, of projection: String, on sql: any SQLDatabase) async throws {
        let json = try eventTypes.map { String(decoding: try JSONEncoder().encode($0.sorted()), as: UTF8.self) }
        try await sql.raw("UPDATE chronicle_projections SET event_types = \(bind: json) WHERE name = \(bind: projection)").run()
    }

    /// Forgets the event types of inline projections that are no longer registered, so the
    /// store no longer refuses appends on their behalf.
    static func forgetEventTypes(ofInlineProjectionsExcept registered: [String], on sql: any SQLDatabase) async throws {
        let keep: SQLQueryString = registered.isEmpty ? "" : " AND name NOT IN (\(binds: registered))"
        try await sql.raw("UPDATE chronicle_projections SET event_types = NULL WHERE event_types IS NOT NULL\(keep)").run()
    }

    static func date(_ microseconds: Int64) -> Date {
        Timestamp.date(microsecondsSince1970: microseconds)
    }
}
