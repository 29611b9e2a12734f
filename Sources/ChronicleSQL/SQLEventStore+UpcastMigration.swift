public import Chronicle
import ChronicleMigrations
import Foundation
import SQLKit

extension SQLEventStore {
    /// Runs an upcasting migration: rewrites stored events to their types' current schema
    /// versions, in place, through the store's upcasters.
    ///
    /// The log is read in position order, in batches; each batch's rewrites, their audit rows
    /// (`event_rewrites`: the event, its old type, version and data) and the migration's progress
    /// (`upcast_migrations`) are written in one transaction, with one statement for the audit
    /// rows and one for the rewrites of up to 1,000 events. Only `event_type`, `schema_version`
    /// and `data` change: positions, ids, entities, versions, metadata and times never do. An
    /// interrupted migration resumes after its last batch; a finished one does nothing when run
    /// again. Events an upcaster splits are left as stored (they stay upcast on read).
    ///
    /// Run it once every writer runs the code with the new versions, so that no old version is
    /// appended behind it.
    ///
    /// ```swift
    /// let report = try await store.runUpcastMigration("2026-11-meeting-starts-at")
    /// ```
    ///
    /// - Parameters:
    ///   - id: The migration's stable id: its progress and audit rows are kept under it.
    ///   - batchSize: Events read per batch and transaction.
    ///   - afterBatch: Called after each committed batch.
    /// - Returns: What this run did.
    @discardableResult
    public func runUpcastMigration(
        _ id: String, batchSize: Int = 1_000, afterBatch: (@Sendable (UpcastMigrationProgress) async throws -> Void)? = nil
    ) async throws -> UpcastMigrationReport {
        guard batchSize > 0 else { throw EventStoreError.invalidReadLimit(batchSize) }
        let dialect = dialect
        let upcasters = upcasters
        let lock = "upcast:\(id)"
        let start = try await withWriteTransaction(locking: lock) { sql -> Int64? in
            try await sql.raw("""
                INSERT INTO chronicle_upcast_migrations (id, position, rewritten, started_at)
                VALUES (\(bind: id), 0, 0, \(bind: Timestamp.microseconds(since1970: Date())))
                ON CONFLICT (id) DO NOTHING
                """).run()
            let row = try await sql.raw("SELECT position, finished_at FROM chronicle_upcast_migrations WHERE id = \(bind: id)").first()
            guard let row, try row.decodeNil(column: "finished_at") else { return nil }
            return try row.decode(column: "position", as: Int64.self)
        }
        guard var position = start else {
            return UpcastMigrationReport(id: id, rewritten: 0, splitsLeft: 0, wasFinished: true)
        }
        var rewritten = 0
        var splitsLeft = 0
        var encryptedLeft = 0
        while true {
            try Task.checkCancellation()
            let after = position
            let batch = try await withWriteTransaction(locking: lock) { sql -> (last: Int64?, rewritten: Int, splits: Int, encrypted: Int) in
                let stored = try await Self.storedEvents(after: after, limit: batchSize, dialect: dialect, on: sql)
                guard let last = stored.last?.position else {
                    try await sql.raw("UPDATE chronicle_upcast_migrations SET finished_at = \(bind: Timestamp.microseconds(since1970: Date())) WHERE id = \(bind: id)").run()
                    return (nil, 0, 0, 0)
                }
                // An upcaster sees personal fields decrypted, which only a read does: events with
                // encrypted fields stay as stored, upcast on read.
                let plain = stored.filter { !PersonalDataEnvelope.mayBeIn($0.data) }
                let (rewrites, splits) = try upcasters.rewrites(of: plain)
                let now = Timestamp.microseconds(since1970: Date())
                for start in stride(from: 0, to: rewrites.count, by: Self.rewritesPerStatement) {
                    let chunk = rewrites[start..<min(start + Self.rewritesPerStatement, rewrites.count)]
                    try await Self.write(chunk, migration: id, at: now, dialect: dialect, on: sql)
                }
                try await sql.raw("""
                    UPDATE chronicle_upcast_migrations SET position = \(bind: last), rewritten = rewritten + \(bind: rewrites.count)
                    WHERE id = \(bind: id)
                    """).run()
                let encrypted = stored.filter { PersonalDataEnvelope.mayBeIn($0.data) && upcasters.upcasts($0) }
                return (last, rewrites.count, splits, encrypted.count)
            }
            guard let last = batch.last else { break }
            position = last
            rewritten += batch.rewritten
            splitsLeft += batch.splits
            encryptedLeft += batch.encrypted
            try await afterBatch?(UpcastMigrationProgress(id: id, position: position, rewritten: rewritten))
        }
        return UpcastMigrationReport(id: id, rewritten: rewritten, splitsLeft: splitsLeft, encryptedLeft: encryptedLeft, wasFinished: false)
    }

    /// Stored events as they are, without upcasting: only what upcasting reads (metadata is left empty).
    private static func storedEvents(after position: Int64, limit: Int, dialect: any StoreDialect, on sql: any SQLDatabase) async throws -> [RecordedEvent] {
        try await sql.raw("""
            SELECT position, \(dialect.text(SQLIdentifier("event_id"))) AS event_id, entity_type, entity_id, version, event_type,
                schema_version, \(dialect.text(SQLIdentifier("data"))) AS data
            FROM chronicle_events WHERE position > \(bind: position) ORDER BY position LIMIT \(bind: limit)
            """).all().map(RecordedEvent.init(chronicleEventsRow:))
    }

    /// The most events one rewrite statement carries: four bound values each, well within
    /// what SQLite (32,766) and PostgreSQL (65,535) take in one statement.
    static var rewritesPerStatement: Int { 1_000 }

    /// Records what some events (at most ``rewritesPerStatement``) were, then rewrites them in
    /// place: one `INSERT … SELECT` of their audit rows and one `UPDATE … FROM` a list of their
    /// new types, versions and data.
    private static func write(
        _ rewrites: ArraySlice<EventRewrite>, migration: String, at now: Int64, dialect: any StoreDialect, on sql: any SQLDatabase
    ) async throws {
        var positions: SQLQueryString = ""
        var rows: SQLQueryString = ""
        for (index, rewrite) in rewrites.enumerated() {
            if index > 0 {
                positions.appendLiteral(", ")
                rows.appendLiteral(", ")
            }
            positions.appendInterpolation(bind: rewrite.stored.position)
            let data = String(decoding: rewrite.current.data, as: UTF8.self)
            rows += "(\(bind: rewrite.stored.position), \(bind: rewrite.current.eventType), \(bind: rewrite.current.schemaVersion), \(bind: data))"
        }
        try await sql.raw("""
            INSERT INTO chronicle_event_rewrites (migration_id, event_id, position, old_event_type, old_schema_version, old_data, rewritten_at)
            SELECT \(bind: migration), event_id, position, event_type, schema_version, data, \(bind: now)
            FROM chronicle_events WHERE position IN (\(positions))
            """).run()
        try await sql.raw("""
            WITH chronicle__rewrites (position, event_type, schema_version, data) AS (VALUES \(rows))
            UPDATE chronicle_events SET event_type = chronicle__rewrites.event_type, schema_version = chronicle__rewrites.schema_version,
                data = \(dialect.json(SQLColumn("data", table: "chronicle__rewrites")))
            FROM chronicle__rewrites WHERE chronicle_events.position = chronicle__rewrites.position
            """).run()
    }
}
