public import Chronicle
import Foundation
import SQLKit

/// Which fields of one event type a masking run overwrites, and with what.
///
/// Each field is a `PersonalField` whose `forgotten` value is the mask written in the
/// value's place; its subject says which events are the subject's.
///
/// ```swift
/// let rules = [
///     MaskingRule(MeetingScheduled.self, fields: [PersonalField("title", of: .field("organizerID"), forgotten: "(masked)")]),
///     MaskingRule("meeting.cancelled", fields: [PersonalField("reason", of: .actor, forgotten: nil)]),
/// ]
/// ```
public struct MaskingRule: Hashable, Sendable {
    /// The event type.
    public var eventType: String
    /// The fields, each with its subject and its mask.
    public var fields: [PersonalField]

    /// A rule for an event type by name.
    public init(_ eventType: String, fields: [PersonalField]) {
        self.eventType = eventType
        self.fields = fields
    }

    /// A rule for an event type.
    public init<E: Event>(_ type: E.Type, fields: [PersonalField]) {
        self.init(E.eventType, fields: fields)
    }

    /// The rule that masks every personal field an event type declares with its forgotten value.
    public init<E: Event>(personalFieldsOf type: E.Type) {
        self.init(E.eventType, fields: E.personalFields)
    }
}

/// What a masking run did.
public struct MaskingReport: Hashable, Sendable {
    /// The run's id.
    public var run: String
    /// The events this call rewrote.
    public var masked: Int
    /// Whether the run had finished before this call, which then did nothing.
    public var wasFinished: Bool
}

extension SQLEventStore {
    /// Masks a subject's personal data in stored events, in place: overwrites the rules' fields
    /// of every event whose field belongs to the subject with the rules' masks, in the log and
    /// in the archive.
    ///
    /// For data stored in plaintext (before its event type declared it personal, or by mistake).
    /// Unlike an upcasting migration, masking keeps no old value anywhere: the events' upcasting
    /// audit rows (`chronicle_event_rewrites`) of masked events lose their old data, and the
    /// snapshots of their entities are deleted. Its own record (`chronicle_masking_runs`) holds
    /// the subject, counts and times only.
    ///
    /// It reads in position order, in batches; each batch's rewrites and the run's progress are
    /// written in one transaction that holds the run's lock, as an upcasting migration does. An
    /// interrupted run resumes after its last batch; a finished run does nothing when run again.
    ///
    /// Projections keep the values they copied until they are rebuilt: rebuild those that copy
    /// masked fields. PostgreSQL keeps the old row versions until `VACUUM` reclaims them, and in
    /// its write-ahead log and backups until those expire.
    ///
    /// - Parameters:
    ///   - subject: The subject whose data to mask.
    ///   - rules: The fields to mask, per event type.
    ///   - run: The run's id, under which its progress is kept; by default the subject and the
    ///     rules' fields.
    ///   - actor: Who asked, for the record.
    ///   - batchSize: Events read per batch and transaction.
    ///   - afterBatch: Called after each committed batch with the events masked so far.
    @discardableResult
    public func maskEvents(
        subject: String, rules: [MaskingRule], run: String? = nil, by actor: String? = nil, batchSize: Int = 1_000,
        afterBatch: (@Sendable (Int) async throws -> Void)? = nil
    ) async throws -> MaskingReport {
        guard batchSize > 0 else { throw EventStoreError.invalidReadLimit(batchSize) }
        guard !subject.isEmpty else { throw EventStoreError.invalidInput("A subject to mask must not be empty. Nothing was written.") }
        guard !rules.isEmpty, rules.allSatisfy({ !$0.fields.isEmpty }) else {
            throw EventStoreError.invalidInput("Masking needs at least one rule, each with at least one field. Nothing was written.")
        }
        let id = run ?? "\(subject): " + rules.flatMap { rule in rule.fields.map { "\(rule.eventType).\($0.path)" } }.sorted().joined(separator: ",")
        let lock = "mask:\(id)"
        let dialect = dialect
        let start = try await withWriteTransaction(locking: lock) { sql -> (Int64, Int64)? in
            try await sql.raw("""
                INSERT INTO chronicle_masking_runs (id, subject, position, archived_position, masked, actor, started_at)
                VALUES (\(bind: id), \(bind: subject), 0, 0, 0, \(bind: actor), \(bind: Timestamp.microseconds(since1970: Date())))
                ON CONFLICT (id) DO NOTHING
                """).run()
            let row = try await sql.raw("SELECT position, archived_position, finished_at FROM chronicle_masking_runs WHERE id = \(bind: id)").first()
            guard let row, try row.decodeNil(column: "finished_at") else { return nil }
            return (try row.decode(column: "position", as: Int64.self), try row.decode(column: "archived_position", as: Int64.self))
        }
        guard let (logStart, archiveStart) = start else { return MaskingReport(run: id, masked: 0, wasFinished: true) }
        var masked = 0
        for (table, progress, startPosition) in [("chronicle_events", "position", logStart), ("chronicle_archived_events", "archived_position", archiveStart)] {
            var position = startPosition
            while true {
                try Task.checkCancellation()
                let after = position
                let batch = try await withWriteTransaction(locking: lock) { sql -> (last: Int64, masked: Int)? in
                    let rows = try await sql.raw("""
                        SELECT position, entity_id, event_type, \(dialect.text(SQLIdentifier("meta"))) AS meta, \(dialect.text(SQLIdentifier("data"))) AS data
                        FROM \(unsafeRaw: table) WHERE event_type IN (\(binds: rules.map(\.eventType))) AND position > \(bind: after)
                        ORDER BY position LIMIT \(bind: batchSize)
                        """).all()
                    guard let last = try rows.last?.decode(column: "position", as: Int64.self) else { return nil }
                    var rewrites: [(position: Int64, entityID: String, data: String)] = []
                    for row in rows {
                        let eventType = try row.decode(column: "event_type", as: String.self)
                        let entityID = try row.decode(column: "entity_id", as: String.self)
                        let meta = try row.decode(column: "meta", as: String.self)
                        let data = try row.decode(column: "data", as: String.self)
                        let fields = rules.filter { $0.eventType == eventType }.flatMap(\.fields)
                        if let maskedData = Self.mask(data, meta: meta, entityID: entityID, fields: fields, subject: subject) {
                            rewrites.append((try row.decode(column: "position", as: Int64.self), entityID, maskedData))
                        }
                    }
                    for rewrite in rewrites {
                        try await sql.raw("""
                            UPDATE \(unsafeRaw: table) SET data = \(dialect.json(SQLBind(rewrite.data))) WHERE position = \(bind: rewrite.position)
                            """).run()
                    }
                    if !rewrites.isEmpty {
                        let positions = rewrites.map(\.position)
                        try await sql.raw("""
                            UPDATE chronicle_event_rewrites SET old_data = \(dialect.json(SQLBind(#"{"chronicle_masked":true}"#)))
                            WHERE position IN (\(binds: positions))
                            """).run()
                        try await sql.raw("DELETE FROM chronicle_snapshots WHERE entity_id IN (\(binds: Array(Set(rewrites.map(\.entityID)))))").run()
                    }
                    try await sql.raw("""
                        UPDATE chronicle_masking_runs SET \(unsafeRaw: progress) = \(bind: last), masked = masked + \(bind: rewrites.count)
                        WHERE id = \(bind: id)
                        """).run()
                    return (last, rewrites.count)
                }
                guard let batch else { break }
                position = batch.last
                masked += batch.masked
                try await afterBatch?(masked)
            }
        }
        try await withWriteTransaction(locking: lock) { sql in
            try await sql.raw("""
                UPDATE chronicle_masking_runs SET finished_at = \(bind: Timestamp.microseconds(since1970: Date())) WHERE id = \(bind: id)
                """).run()
        }
        return MaskingReport(run: id, masked: masked, wasFinished: false)
    }

    /// The data with the subject's fields masked, or `nil` when nothing of it is the subject's
    /// or everything already is masked.
    static func mask(_ data: String, meta: String, entityID: String, fields: [PersonalField], subject: String) -> String? {
        guard var document = JSONValue.parse(Data(data.utf8)) else { return nil }
        let original = document
        for field in fields {
            let owner: String?
            switch field.subject {
            case .entity:
                owner = entityID
            case .actor:
                if case .string(let actor)? = JSONValue.parse(Data(meta.utf8))?[path: ["actor"]] {
                    owner = actor
                } else {
                    owner = nil
                }
            case .field(let path):
                switch document[path: path.split(separator: ".").map(String.init)] {
                case .string(let value)?: owner = value
                case .integer(let value)?: owner = String(value)
                default: owner = nil
                }
            }
            guard owner == subject, document[path: field.keys] != nil else { continue }
            document.replace(path: field.keys[...], with: field.forgotten)
        }
        guard document != original else { return nil }
        return String(decoding: document.jsonText, as: UTF8.self)
    }
}
