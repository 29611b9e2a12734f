import Chronicle
import ChronicleTesting
import Foundation
import Testing

/// The checks of reading through upcasters that every store driver runs: a chain of steps, a
/// rename, a split, events read the same through every read path.
///
/// ```swift
/// @Test(arguments: UpcastingConformance.Check.allCases)
/// func upcasting(_ check: UpcastingConformance.Check) async throws {
///     try await UpcastingConformance { upcasters in storeScope(upcasters) }.run(check)
/// }
/// ```
struct UpcastingConformance: Sendable {
    let makeStore: @Sendable (Upcasters) -> StoreScope

    /// Creates the suite for a driver: `makeStore` opens a store that reads through the given upcasters.
    init(makeStore: @escaping @Sendable (Upcasters) -> StoreScope) {
        self.makeStore = makeStore
    }

    /// Every check of the suite, by name.
    public enum Check: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// Events stored at versions 1, 2 and 3 are all read at version 4, through three steps.
        case readsThroughAChainOfSteps
        /// An event stored under an old name is read under the new one, at its current version.
        case readsRenamedEvents
        /// One stored event is read as several, with stable ids, sharing its position and version.
        case readsSplitEvents
        /// The log, the stream and an aggregate's load all see the same upcast events.
        case upcastsOnEveryReadPath

        /// The check's name, as shown in test output.
        public var testDescription: String { rawValue }
    }

    /// Runs one check.
    public func run(_ check: Check, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let scope = makeStore(try UpcastingFixtures.upcasters())
        try await scope(EventLimits()) { store in
            let checks = UpcastingChecks(store: store, sourceLocation: sourceLocation)
            switch check {
            case .readsThroughAChainOfSteps: try await checks.readsThroughAChainOfSteps()
            case .readsRenamedEvents: try await checks.readsRenamedEvents()
            case .readsSplitEvents: try await checks.readsSplitEvents()
            case .upcastsOnEveryReadPath: try await checks.upcastsOnEveryReadPath()
            }
        }
    }
}

/// Event types at their current versions, and the steps from their old ones.
enum UpcastingFixtures {
    /// A note: v1 `{text}`, v2 `{body}`, v3 `{body, tags}`, v4 `{body, tags, pinned}`.
    struct NoteAdded: Event, Equatable {
        static let eventType = "note.added"
        static let schemaVersion = 4
        var body: String
        var tags: [String]
        var pinned: Bool
    }

    /// A meeting: once stored as `meeting.planned` v1 `{time}`; then `meeting.scheduled` v1
    /// `{time}`; now v2 `{starts_at, duration_minutes}`.
    struct MeetingScheduled: Event, Equatable {
        static let eventType = "meeting.scheduled"
        static let schemaVersion = 2
        var startsAt: String
        var durationMinutes: Int

        enum CodingKeys: String, CodingKey {
            case startsAt = "starts_at", durationMinutes = "duration_minutes"
        }
    }

    /// Once part of `meeting.moved` v1 `{starts_at, room}`.
    struct MeetingRescheduled: Event, Equatable {
        static let eventType = "meeting.rescheduled"
        var startsAt: String

        enum CodingKeys: String, CodingKey {
            case startsAt = "starts_at"
        }
    }

    /// Once part of `meeting.moved` v1 `{starts_at, room}`.
    struct MeetingRelocated: Event, Equatable {
        static let eventType = "meeting.relocated"
        var room: String
    }

    static func upcasters() throws -> Upcasters {
        try Upcasters(
            [
                Upcaster("note.added", from: 1) { data in data["body"] = data.removeValue(forKey: "text") },
                Upcaster("note.added", from: 2) { data in data["tags"] = data["tags"] ?? .array([]) },
                Upcaster("note.added", from: 3) { data in data["pinned"] = .bool(false) },
                Upcaster.rename("meeting.planned", from: 1, to: "meeting.scheduled", version: 1),
                Upcaster("meeting.scheduled", from: 1) { data in
                    data["starts_at"] = data.removeValue(forKey: "time")
                    data["duration_minutes"] = data["duration_minutes"] ?? .integer(30)
                },
                Upcaster.split("meeting.moved", from: 1) { data in
                    [
                        UpcastEvent(eventType: "meeting.rescheduled", schemaVersion: 1, data: ["starts_at": data["starts_at"] ?? .null]),
                        UpcastEvent(eventType: "meeting.relocated", schemaVersion: 1, data: ["room": data["room"] ?? .null]),
                    ]
                },
            ],
            current: [NoteAdded.self, MeetingScheduled.self, MeetingRescheduled.self, MeetingRelocated.self])
    }

    static let registry = EventTypeRegistry([NoteAdded.self, MeetingScheduled.self, MeetingRescheduled.self, MeetingRelocated.self])
}

/// A meeting's state, folded from upcast events.
struct UpcastMeeting: Aggregate, Equatable {
    static let entityType = "meeting"
    var startsAt: String?
    var durationMinutes = 0
    var room: String?
    var moves = 0

    static let handlers = EventHandlers<UpcastMeeting> {
        On(UpcastingFixtures.MeetingScheduled.self) { event, meeting in
            meeting.startsAt = event.startsAt
            meeting.durationMinutes = event.durationMinutes
        }
        On(UpcastingFixtures.MeetingRescheduled.self) { event, meeting in
            meeting.startsAt = event.startsAt
            meeting.moves += 1
        }
        On(UpcastingFixtures.MeetingRelocated.self) { event, meeting in meeting.room = event.room }
    }
}

struct UpcastingChecks {
    let store: any EventStore
    let sourceLocation: SourceLocation

    typealias Fixtures = UpcastingFixtures

    func appendRaw(_ stream: StreamName, _ events: [(String, Int, String)]) async throws -> AppendResult {
        try await store.append(
            events.map { NewEvent(eventType: $0.0, schemaVersion: $0.1, data: Data($0.2.utf8)) }, to: stream, expected: .any)
    }

    func readsThroughAChainOfSteps() async throws {
        let stream = StreamName(entityType: "notebook", entityID: "n1")
        let appended = try await appendRaw(stream, [
            ("note.added", 1, #"{"text":"first"}"#),
            ("note.added", 2, #"{"body":"second"}"#),
            ("note.added", 3, #"{"body":"third","tags":["x"]}"#),
            ("note.added", 4, #"{"body":"fourth","pinned":true,"tags":[]}"#),
        ])
        let read = try await store.readStream(stream)
        #expect(read.map(\.schemaVersion) == [4, 4, 4, 4], sourceLocation: sourceLocation)
        #expect(read.map(\.id) == appended.events.map(\.id), "ids unchanged", sourceLocation: sourceLocation)
        #expect(read.map(\.position) == appended.events.map(\.position), "positions unchanged", sourceLocation: sourceLocation)
        #expect(read.map(\.version) == [1, 2, 3, 4], sourceLocation: sourceLocation)
        let notes = try read.map { try $0.decode(as: Fixtures.NoteAdded.self) }
        #expect(notes == [
            Fixtures.NoteAdded(body: "first", tags: [], pinned: false),
            Fixtures.NoteAdded(body: "second", tags: [], pinned: false),
            Fixtures.NoteAdded(body: "third", tags: ["x"], pinned: false),
            Fixtures.NoteAdded(body: "fourth", tags: [], pinned: true),
        ], sourceLocation: sourceLocation)
    }

    func readsRenamedEvents() async throws {
        let stream = StreamName(entityType: "meeting", entityID: "m1")
        _ = try await appendRaw(stream, [("meeting.planned", 1, #"{"time":"2026-12-01T10:00:00Z"}"#)])
        let read = try await store.readStream(stream)
        #expect(read.map(\.eventType) == ["meeting.scheduled"], sourceLocation: sourceLocation)
        #expect(read.map(\.schemaVersion) == [2], sourceLocation: sourceLocation)
        let scheduled = try read.first.map { try Fixtures.registry.decode($0) } as? Fixtures.MeetingScheduled
        #expect(scheduled == Fixtures.MeetingScheduled(startsAt: "2026-12-01T10:00:00Z", durationMinutes: 30), sourceLocation: sourceLocation)
    }

    func readsSplitEvents() async throws {
        let stream = StreamName(entityType: "meeting", entityID: "m2")
        let appended = try await appendRaw(stream, [
            ("meeting.scheduled", 2, #"{"duration_minutes":45,"starts_at":"2026-12-01T10:00:00Z"}"#),
            ("meeting.moved", 1, #"{"room":"Ada","starts_at":"2026-12-02T09:00:00Z"}"#),
        ])
        let read = try await store.readStream(stream)
        #expect(read.map(\.eventType) == ["meeting.scheduled", "meeting.rescheduled", "meeting.relocated"], sourceLocation: sourceLocation)
        #expect(read.map(\.version) == [1, 2, 2], "the parts share the stored version", sourceLocation: sourceLocation)
        #expect(read[1].position == appended.events[1].position && read[2].position == appended.events[1].position, sourceLocation: sourceLocation)
        #expect(read[1].id == appended.events[1].id, "the first part keeps the id", sourceLocation: sourceLocation)
        #expect(Set(read.map(\.id)).count == 3, "every part has its own id", sourceLocation: sourceLocation)
        #expect(try await store.readStream(stream).map(\.id) == read.map(\.id), "the same ids on every read", sourceLocation: sourceLocation)
        #expect(try read[2].decode(as: Fixtures.MeetingRelocated.self) == Fixtures.MeetingRelocated(room: "Ada"), sourceLocation: sourceLocation)
    }

    func upcastsOnEveryReadPath() async throws {
        let stream = StreamName(entityType: "meeting", entityID: "m3")
        _ = try await appendRaw(stream, [
            ("meeting.planned", 1, #"{"time":"2026-12-01T10:00:00Z"}"#),
            ("meeting.moved", 1, #"{"room":"Grace","starts_at":"2026-12-03T09:00:00Z"}"#),
        ])
        var fromLog: [RecordedEvent] = []
        for try await event in store.readLog(after: 0, batchSize: 1) where event.stream == stream {
            fromLog.append(event)
        }
        let fromStream = try await store.readStream(stream)
        #expect(fromLog == fromStream, "the log and the stream read alike", sourceLocation: sourceLocation)
        #expect(fromLog.map(\.eventType) == ["meeting.scheduled", "meeting.rescheduled", "meeting.relocated"], sourceLocation: sourceLocation)

        let loaded = try await Aggregates(store: store, snapshots: nil).load(UpcastMeeting.self, id: EntityID<UpcastMeeting>("m3"))
        #expect(loaded.state == UpcastMeeting(startsAt: "2026-12-03T09:00:00Z", durationMinutes: 30, room: "Grace", moves: 1), sourceLocation: sourceLocation)
        #expect(loaded.version == 2, sourceLocation: sourceLocation)
    }
}
