import Chronicle
import ChronicleMigrations
import ChronicleProjections
import ChronicleSQL
import ChronicleTesting
import Foundation
import SQLKit
import Testing

/// The checks of upcasting migrations that every database store runs: an interrupted
/// migration resumes and ends with every event at its current version and nothing else
/// changed; a second run does nothing.
///
/// ```swift
/// @Test(arguments: UpcastMigrationConformance.Check.allCases)
/// func upcastMigration(_ check: UpcastMigrationConformance.Check) async throws {
///     try await UpcastMigrationConformance { upcasters in storeScope(upcasters) }.run(check)
/// }
/// ```
struct UpcastMigrationConformance: Sendable {
    let makeStore: @Sendable (Upcasters) -> SQLStoreScope

    /// Creates the suite for a driver: `makeStore` opens a store that reads through the given
    /// upcasters and keeps projections (a `SQLEventStore`).
    init(makeStore: @escaping @Sendable (Upcasters) -> SQLStoreScope) {
        self.makeStore = makeStore
    }

    /// Every check of the suite, by name.
    public enum Check: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// A migration interrupted halfway resumes; afterwards every event is current, reads are
        /// unchanged, and each rewrite is recorded.
        case resumesAnInterruptedMigration
        /// A finished migration does nothing when run again.
        case runsOnlyOnce
        /// Projections built from upcast events and from rewritten events are identical.
        case projectsTheSameBeforeAndAfter
        /// A batch of more events than one rewrite statement carries is rewritten whole, each
        /// event with its own data and one audit row.
        case rewritesABatchLargerThanOneStatement

        /// The check's name, as shown in test output.
        public var testDescription: String { rawValue }
    }

    /// Runs one check.
    public func run(_ check: Check, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await makeStore(try UpcastingFixtures.upcasters())(EventLimits()) { store in
            let database = store
            let checks = UpcastMigrationChecks(database: database, sourceLocation: sourceLocation)
            switch check {
            case .resumesAnInterruptedMigration: try await checks.resumesAnInterruptedMigration()
            case .runsOnlyOnce: try await checks.runsOnlyOnce()
            case .projectsTheSameBeforeAndAfter: try await checks.projectsTheSameBeforeAndAfter()
            case .rewritesABatchLargerThanOneStatement: try await checks.rewritesABatchLargerThanOneStatement()
            }
        }
    }
}

struct UpcastMigrationChecks {
    let database: any SQLEventStore
    let sourceLocation: SourceLocation

    struct Interrupted: Error {}

    /// A stored row's columns, as text.
    struct StoredRow: Equatable {
        var position: Int64
        var eventType: String
        var schemaVersion: Int
        var version: Int
        var entity: String
        var meta: String
        var createdAt: Int64
    }

    /// 40 events in 8 entities: notes at versions 1 to 4, meetings planned under the old name,
    /// scheduled at version 1, moved (split when read), and an event of a type nobody upcasts.
    /// Returns how many of them an upcasting migration rewrites.
    func appendHistory() async throws -> Int {
        var rewritable = 0
        for entity in 0..<8 {
            let stored: [(String, Int, String)] = entity % 2 == 0
                ? [
                    ("note.added", 1, #"{"text":"note \#(entity)"}"#), ("note.added", 2, #"{"body":"b"}"#),
                    ("note.added", 3, #"{"body":"c","tags":["t"]}"#), ("note.added", 4, #"{"body":"d","pinned":true,"tags":[]}"#),
                    ("other.thing", 1, #"{"kept":true}"#),
                ]
                : [
                    ("meeting.planned", 1, #"{"time":"2026-12-0\#(entity)T10:00:00Z"}"#),
                    ("meeting.scheduled", 1, #"{"duration_minutes":45,"time":"2026-12-01T10:00:00Z"}"#),
                    ("meeting.scheduled", 2, #"{"duration_minutes":60,"starts_at":"2026-12-01T11:00:00Z"}"#),
                    ("meeting.moved", 1, #"{"room":"Ada","starts_at":"2026-12-02T09:00:00Z"}"#),
                    ("meeting.planned", 1, #"{"time":"2026-12-09T10:00:00Z"}"#),
                ]
            rewritable += 3  // notes at versions 1 to 3; meetings planned twice and scheduled at version 1
            let metadata = EventMetadata(actor: "user-\(entity)", custom: ["tenant": .string("t\(entity % 3)")])
            _ = try await database.append(
                stored.map { NewEvent(eventType: $0.0, schemaVersion: $0.1, data: Data($0.2.utf8), metadata: metadata) },
                to: StreamName(entityType: entity % 2 == 0 ? "notebook" : "meeting", entityID: "e\(entity)"), expected: .noEvents)
        }
        return rewritable
    }

    func storedRows() async throws -> [StoredRow] {
        let dialect = database.dialect
        return try await database.withReadConnection { sql in
            try await sql.raw("""
                SELECT position, event_type, schema_version, version, entity_type, entity_id, \(dialect.text(SQLIdentifier("meta"))) AS meta, created_at
                FROM chronicle_events ORDER BY position
                """).all().map { row in
                StoredRow(
                    position: try row.decode(column: "position", as: Int64.self),
                    eventType: try row.decode(column: "event_type", as: String.self),
                    schemaVersion: try row.decode(column: "schema_version", as: Int.self),
                    version: try row.decode(column: "version", as: Int.self),
                    entity: try row.decode(column: "entity_type", as: String.self) + "/" + row.decode(column: "entity_id", as: String.self),
                    meta: try row.decode(column: "meta", as: String.self),
                    createdAt: try Self.microseconds(row, "created_at"))
            }
        }
    }

    /// `created_at` as microseconds: an integer on SQLite, a timestamp on PostgreSQL.
    static func microseconds(_ row: any SQLRow, _ column: String) throws -> Int64 {
        if let value = try? row.decode(column: column, as: Int64.self) { return value }
        return Timestamp.microseconds(since1970: try row.decode(column: column, as: Date.self))
    }

    func readAll() async throws -> [RecordedEvent] {
        var events: [RecordedEvent] = []
        for try await event in database.readLog(after: 0, batchSize: 7) { events.append(event) }
        return events
    }

    func rewriteCount() async throws -> Int {
        try await database.withReadConnection { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM chronicle_event_rewrites").first()?.decode(column: "n", as: Int.self) ?? -1
        }
    }

    func resumesAnInterruptedMigration() async throws {
        let rewritable = try await appendHistory()
        let readBefore = try await readAll()
        let rowsBefore = try await storedRows()

        let batches = BatchCounter()
        await #expect(throws: Interrupted.self, sourceLocation: sourceLocation) {
            try await database.runUpcastMigration("m1", batchSize: 6) { _ in
                if await batches.next() == 3 { throw Interrupted() }
            }
        }
        let halfway = try await rewriteCount()
        #expect(halfway > 0 && halfway < rewritable, "interrupted halfway: \(halfway) of \(rewritable)", sourceLocation: sourceLocation)
        #expect(try await readAll() == readBefore, "reads are the same halfway", sourceLocation: sourceLocation)

        let resumed = try await database.runUpcastMigration("m1", batchSize: 6)
        #expect(resumed.rewritten == rewritable - halfway && !resumed.wasFinished, "\(resumed)", sourceLocation: sourceLocation)
        #expect((1...4).contains(resumed.splitsLeft), "the splits after where it stopped: \(resumed)", sourceLocation: sourceLocation)
        #expect(try await rewriteCount() == rewritable, "each rewrite recorded once", sourceLocation: sourceLocation)

        let rowsAfter = try await storedRows()
        let current = ["note.added": 4, "meeting.scheduled": 2, "other.thing": 1, "meeting.moved": 1]
        #expect(rowsAfter.allSatisfy { current[$0.eventType] == $0.schemaVersion }, "every event current, splits left as stored: \(rowsAfter.map { "\($0.eventType)@\($0.schemaVersion)" })", sourceLocation: sourceLocation)
        func unchanged(_ row: StoredRow) -> [String] { ["\(row.position)", "\(row.version)", row.entity, row.meta, "\(row.createdAt)"] }
        #expect(rowsAfter.map(unchanged) == rowsBefore.map(unchanged), "positions, versions, entities, metadata and times unchanged", sourceLocation: sourceLocation)
        #expect(try await readAll() == readBefore, "reads are the same after: ids, data, everything", sourceLocation: sourceLocation)

        let audit = try await database.withReadConnection { sql in
            try await sql.raw("SELECT old_event_type, old_schema_version FROM chronicle_event_rewrites ORDER BY position").all().map {
                "\(try $0.decode(column: "old_event_type", as: String.self))@\(try $0.decode(column: "old_schema_version", as: Int.self))"
            }
        }
        #expect(Set(audit) == ["note.added@1", "note.added@2", "note.added@3", "meeting.planned@1", "meeting.scheduled@1"], sourceLocation: sourceLocation)
    }

    func runsOnlyOnce() async throws {
        let rewritable = try await appendHistory()
        let first = try await database.runUpcastMigration("m2", batchSize: 100)
        #expect(first == UpcastMigrationReport(id: "m2", rewritten: rewritable, splitsLeft: 4, wasFinished: false), sourceLocation: sourceLocation)
        let rows = try await storedRows()
        let second = try await database.runUpcastMigration("m2", batchSize: 100)
        #expect(second == UpcastMigrationReport(id: "m2", rewritten: 0, splitsLeft: 0, wasFinished: true), sourceLocation: sourceLocation)
        #expect(try await storedRows() == rows, sourceLocation: sourceLocation)
        #expect(try await rewriteCount() == rewritable, sourceLocation: sourceLocation)
    }
}

extension UpcastMigrationChecks {
    func rewritesABatchLargerThanOneStatement() async throws {
        let perEntity = 850, entities = 3
        for entity in 0..<entities {
            _ = try await database.append(
                (0..<perEntity).map { NewEvent(eventType: "note.added", schemaVersion: 1, data: Data(#"{"text":"note \#(entity)-\#($0)"}"#.utf8)) },
                to: StreamName(entityType: "notebook", entityID: "n\(entity)"), expected: .noEvents)
        }
        let total = perEntity * entities
        #expect(total > 2_000, "three rewrite statements of at most 1,000 events", sourceLocation: sourceLocation)
        let readBefore = try await readAll()

        let report = try await database.runUpcastMigration("m4", batchSize: total * 2)
        #expect(report == UpcastMigrationReport(id: "m4", rewritten: total, splitsLeft: 0, wasFinished: false), sourceLocation: sourceLocation)
        let rows = try await storedRows()
        #expect(rows.count == total && rows.allSatisfy { $0.schemaVersion == 4 }, "every event current", sourceLocation: sourceLocation)
        #expect(try await readAll() == readBefore, "each event keeps its own data", sourceLocation: sourceLocation)
        let audited = try await database.withReadConnection { sql in
            try await sql.raw("SELECT COUNT(DISTINCT position) AS n FROM chronicle_event_rewrites WHERE old_schema_version = 1").first()?
                .decode(column: "n", as: Int.self)
        }
        #expect(audited == total, "one audit row per event", sourceLocation: sourceLocation)
        #expect(try await rewriteCount() == total, sourceLocation: sourceLocation)
    }

    func projectsTheSameBeforeAndAfter() async throws {
        _ = try await appendHistory()
        let readSide = ReadSide(database: database, inline: [MeetingTimesProjection()])
        try await readSide.migrate()  // builds the inline projection from the (upcast) log
        let built = try await meetingTimes()
        #expect(built.count == 4 && built.allSatisfy { $0.hasSuffix("/30") || $0.hasSuffix("/45") || $0.hasSuffix("/60") }, "\(built)", sourceLocation: sourceLocation)

        try await database.runUpcastMigration("m3")
        try await readSide.rebuild(MeetingTimesProjection.name, mode: .offline)
        #expect(try await meetingTimes() == built, "the same table from rewritten events", sourceLocation: sourceLocation)
    }

    func meetingTimes() async throws -> [String] {
        try await database.withReadConnection { sql in
            try await sql.raw("SELECT id, starts_at, duration_minutes FROM meeting_times ORDER BY id").all().map {
                "\(try $0.decode(column: "id", as: String.self))/\(try $0.decode(column: "starts_at", as: String.self))/\(try $0.decode(column: "duration_minutes", as: Int.self))"
            }
        }
    }
}

/// Each meeting's start and length, from `meeting.scheduled` at its current version.
struct MeetingTimesProjection: Projection {
    static let name = "meeting_times"
    static let version = 1
    static let tables = [
        ProjectionTable("meeting_times", ["CREATE TABLE {table} (id TEXT PRIMARY KEY, starts_at TEXT NOT NULL, duration_minutes INTEGER NOT NULL)"])
    ]

    var handlers: EventHandlers<ProjectionContext> {
        EventHandlers {
            On(UpcastingFixtures.MeetingScheduled.self) { event, row in
                try await row.sql.raw("""
                    INSERT INTO \(ident: row.table("meeting_times")) (id, starts_at, duration_minutes)
                    VALUES (\(bind: row.event.stream.entityID), \(bind: event.startsAt), \(bind: event.durationMinutes))
                    ON CONFLICT (id) DO UPDATE SET starts_at = excluded.starts_at, duration_minutes = excluded.duration_minutes
                    """).run()
            }
        }
    }
}

/// Counts batches across the migration's callbacks.
actor BatchCounter {
    private var count = 0

    func next() -> Int {
        count += 1
        return count
    }
}
