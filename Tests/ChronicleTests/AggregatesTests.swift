import Chronicle
import ExampleDomain
import MeetingsDomain
import Foundation
import Testing
import TestSupport

@Suite("Aggregates")
struct AggregatesTests {
    let later = Date(timeIntervalSince1970: 1_900_000_000)

    func schedule() -> ScheduleMeeting {
        ScheduleMeeting(title: "Retro", startsAt: later, organizerID: 1, inviteeIDs: [2, 3])
    }

    @Test func loadsTheStateAndVersion() async throws {
        let aggregates = Aggregates(store: InMemoryEventStore())
        let id = EntityID<Meeting>.random()
        try await aggregates.execute(schedule(), on: id)
        try await aggregates.execute(AcceptInvitation(userID: 2), on: id)
        let meeting = try await aggregates.load(Meeting.self, id: id)
        #expect(meeting.version == 2)
        #expect(meeting.state.status == .scheduled && meeting.state.attendees == [2])
    }

    @Test func travelsToAVersionAndATime() async throws {
        let clock = TestClock(Date(timeIntervalSince1970: 1_800_000_000))
        let store = InMemoryEventStore(now: { clock.now })
        let aggregates = Aggregates(store: store, configuration: .init(now: { clock.now }))
        let id = EntityID<Meeting>.random()
        try await aggregates.execute(schedule(), on: id)
        clock.advance(60)
        let afterScheduling = clock.now
        clock.advance(60)
        try await aggregates.execute(AcceptInvitation(userID: 2), on: id)
        clock.advance(60)
        try await aggregates.execute(AcceptInvitation(userID: 3), on: id)

        #expect(try await aggregates.load(Meeting.self, id: id, asOf: .version(2)).state.attendees == [2])
        let then = try await aggregates.load(Meeting.self, id: id, asOf: .time(afterScheduling))
        #expect(then.version == 1 && then.state.attendees.isEmpty)
        #expect(try await aggregates.load(Meeting.self, id: id).state.attendees == [2, 3])
        await #expect(throws: EventStoreError.self) {
            try await aggregates.load(Meeting.self, id: id, asOf: .time(afterScheduling.addingTimeInterval(-3_600)))
        }
    }

    @Test func aMissingEntityIsNotFound() async throws {
        let aggregates = Aggregates(store: InMemoryEventStore())
        let error = await #expect(throws: EventStoreError.self) {
            try await aggregates.load(Meeting.self, id: "nobody")
        }
        #expect(error?.code == .entityNotFound)
        #expect(error?.message == "meeting/nobody does not exist: it has no events.")
    }

    @Test func givesEveryEventTheRequestsMetadataAndTheCommandAsCause() async throws {
        let store = InMemoryEventStore()
        let commandID = UUID()
        let ids = IDSequence(first: commandID)
        let aggregates = Aggregates(store: store, configuration: .init(makeID: { ids.next() }))
        let id = EntityID<Meeting>.random()
        let metadata = EventMetadata(actor: "user-1", requestID: "req-9", custom: ["client": "web"])
        let result = try await aggregates.execute(schedule(), on: id, metadata: metadata)
        let stored = try #require(try await store.readStream(StreamName(id)).first)
        #expect(stored.metadata.actor == "user-1")
        #expect(stored.metadata.requestID == "req-9")
        #expect(stored.metadata.custom == ["client": "web"])
        #expect(stored.metadata.causationID == commandID.uuidString.lowercased())
        #expect(stored.metadata.correlationID == commandID.uuidString.lowercased(), "a new chain starts at the command")
        #expect(result.position == stored.position && result.events == [stored])

        let continued = try await aggregates.execute(
            AcceptInvitation(userID: 2), on: id, metadata: EventMetadata(correlationID: "chain-7"))
        #expect(continued.events.first?.metadata.correlationID == "chain-7", "a given correlation id is kept")
    }

    @Test func aCommandThatChangesNothingWritesNothing() async throws {
        let store = InMemoryEventStore()
        let aggregates = Aggregates(store: store)
        let id = EntityID<Meeting>.random()
        try await aggregates.execute(schedule(), on: id)
        try await aggregates.execute(AcceptInvitation(userID: 2), on: id)
        let head = await store.headPosition()
        let result = try await aggregates.execute(AcceptInvitation(userID: 2), on: id)
        #expect(result.events.isEmpty && result.position == nil && result.version == 2)
        #expect(await store.headPosition() == head)
    }

    @Test func anInvalidCommandReadsAndWritesNothing() async throws {
        let store = CountingReadsStore()
        let aggregates = Aggregates(store: store, snapshots: nil)
        let error = await #expect(throws: CommandValidationError.self) {
            try await aggregates.execute(AcceptInvitation(userID: -1), on: "m-1")
        }
        #expect(error?.failures == [ValidationFailure(field: "user_id", code: "not_positive", message: "must be positive")])
        #expect(await store.reads == 0)
        #expect(try await store.headPosition() == 0)
    }

    @Test func reportsBusyOnceTheRetryBudgetIsSpent() async throws {
        let store = InMemoryEventStore()
        let id = EntityID<Counter>.random()
        // Every execution is overtaken by another writer between its load and its append.
        let racing = RacingStore(base: store, stream: StreamName(id))
        let aggregates = Aggregates(store: racing, snapshots: nil, configuration: .init(retryBudget: .milliseconds(200)))
        let error = await #expect(throws: EventStoreError.self) {
            try await aggregates.execute(Increment(), on: id)
        }
        #expect(error?.code == .busy, "a caller that asked for no version never sees a version conflict: \(String(describing: error))")
        #expect(error?.message.contains("retry later") == true)
        #expect(await racing.appendsAttempted > 1, "decided again after backoff")
        let attempted = await racing.appendsAttempted
        #expect(try await store.readStream(StreamName(id)).count == attempted, "only the other writer's events were appended")

        let noBudget = Aggregates(store: racing, snapshots: nil, configuration: .init(retryBudget: .zero))
        let before = await racing.appendsAttempted
        await #expect(throws: EventStoreError.self) { try await noBudget.execute(Increment(), on: id) }
        #expect(await racing.appendsAttempted == before + 1, "no budget: one attempt")
    }

    @Test func refusesAStaleExpectedVersionWithoutDecidingAgain() async throws {
        let store = InMemoryEventStore()
        let aggregates = Aggregates(store: store, snapshots: nil)
        let id = EntityID<Meeting>.random()
        try await aggregates.execute(schedule(), on: id, expected: .noEvents)
        try await aggregates.execute(AcceptInvitation(userID: 2), on: id, expected: .exactly(1))
        let stale = await #expect(throws: EventStoreError.self) {
            try await aggregates.execute(AcceptInvitation(userID: 3), on: id, expected: .exactly(1))
        }
        #expect(stale?.code == .wrongExpectedVersion && stale?.expectedVersion == .exactly(1) && stale?.actualVersion == 2)
        #expect(try await store.readStream(StreamName(id)).count == 2, "nothing appended")

        // Overtaken between load and append: no second decision either.
        let counter = EntityID<Counter>.random()
        let racing = RacingStore(base: store, stream: StreamName(counter))
        let raced = Aggregates(store: racing, snapshots: nil, configuration: .init(retryBudget: .seconds(1)))
        await #expect(throws: EventStoreError.self) { try await raced.execute(Increment(), on: counter, expected: .noEvents) }
        #expect(await racing.appendsAttempted == 1)
    }

    @Test func refusesEventsTheAggregateDoesNotHandle() async throws {
        let store = InMemoryEventStore()
        let id = EntityID<Meeting>.random()
        try await store.append([CounterIncremented(amount: 1)], to: StreamName(id), expected: .noEvents)
        let error = await #expect(throws: EventStoreError.self) {
            try await Aggregates(store: store).load(Meeting.self, id: id)
        }
        #expect(error?.code == .unknownEventType)
        #expect(error?.message.contains("Meeting does not handle") == true, "\(String(describing: error))")
    }
}

/// Ids for tests: a chosen first one, then random ones.
final class IDSequence: @unchecked Sendable {
    private let lock = NSLock()
    private var first: UUID?

    init(first: UUID) {
        self.first = first
    }

    func next() -> UUID {
        lock.withLock {
            defer { first = nil }
            return first ?? UUID()
        }
    }
}

/// A store that counts entity reads.
actor CountingReadsStore: EventStore {
    let base = InMemoryEventStore()
    private(set) var reads = 0

    @discardableResult
    func append(_ events: [NewEvent], to stream: StreamName, expected: ExpectedVersion) async throws -> AppendResult {
        try await base.append(events, to: stream, expected: expected)
    }

    func readStream(_ stream: StreamName, after version: Int, through lastVersion: Int?, limit: Int) async throws -> [RecordedEvent] {
        reads += 1
        return try await base.readStream(stream, after: version, through: lastVersion, limit: limit)
    }

    func readLog(after position: Int64, limit: Int) async throws -> [RecordedEvent] {
        try await base.readLog(after: position, limit: limit)
    }

    func headPosition() async throws -> Int64 {
        await base.headPosition()
    }
}

/// A store where another writer appends to one entity just before every append.
actor RacingStore: EventStore {
    let base: InMemoryEventStore
    let stream: StreamName
    private(set) var appendsAttempted = 0

    init(base: InMemoryEventStore, stream: StreamName) {
        self.base = base
        self.stream = stream
    }

    @discardableResult
    func append(_ events: [NewEvent], to stream: StreamName, expected: ExpectedVersion) async throws -> AppendResult {
        appendsAttempted += 1
        try await base.append([CounterIncremented(amount: 1)], to: self.stream, expected: .any)
        return try await base.append(events, to: stream, expected: expected)
    }

    func readStream(_ stream: StreamName, after version: Int, through lastVersion: Int?, limit: Int) async throws -> [RecordedEvent] {
        try await base.readStream(stream, after: version, through: lastVersion, limit: limit)
    }

    func readLog(after position: Int64, limit: Int) async throws -> [RecordedEvent] {
        try await base.readLog(after: position, limit: limit)
    }

    func headPosition() async throws -> Int64 {
        await base.headPosition()
    }
}
