import Chronicle
import ChronicleTesting
import Foundation
import MetricsTestKit
import Testing

/// Checks of the execute pipeline and snapshots that every store runs.
struct WriteSideConformance: Sendable {
    enum Check: String, CaseIterable, Sendable {
        case concurrentExecutes
        case snapshotsChangeNoResult
    }

    let scope: SnapshotStoreScope
    let expectsConflicts: Bool

    func run(_ check: Check, sourceLocation: SourceLocation) async throws {
        switch check {
        case .concurrentExecutes: try await Self.concurrentExecutes(in: scope, conflictsExpected: expectsConflicts, sourceLocation: sourceLocation)
        case .snapshotsChangeNoResult: try await Self.snapshotsChangeNoResult(in: scope, sourceLocation: sourceLocation)
        }
    }

    /// 20 concurrent increments of one counter through one `Aggregates` (one process): they
    /// queue, so none conflicts; then 20 more through two `Aggregates` with queues of their own
    /// (two processes): their conflicts are decided again after a backoff, counted, and never
    /// reach the caller.
    ///
    /// - Parameter conflictsExpected: Whether the store interleaves the two processes' executions
    ///   enough that some must conflict (true of the databases; the in-memory actor may run them
    ///   one by one).
    static func concurrentExecutes(
        in store: @escaping SnapshotStoreScope, conflictsExpected: Bool, sourceLocation: SourceLocation
    ) async throws {
        try await store(EventLimits()) { store in
            let metrics = TestMetrics()
            // The budget is generous: on two loaded cores a process can lose several rounds in a
            // row to the other's queue, and what is checked here is that conflicts are decided
            // again and counted, not how long that takes (`AggregatesTests` checks the budget).
            let configuration = Aggregates.Configuration(retryBudget: .seconds(120), metrics: metrics)
            let aggregates = Aggregates(store: store, snapshots: nil, configuration: configuration)
            let id = EntityID<WriteSideFixtures.Counter>.random()
            func increments(_ amounts: ClosedRange<Int>, through processes: [Aggregates]) async throws -> [CommandResult<WriteSideFixtures.Counter>] {
                try await withThrowingTaskGroup(of: CommandResult<WriteSideFixtures.Counter>.self) { group in
                    for amount in amounts {
                        let process = processes[amount % processes.count]
                        group.addTask { try await process.execute(WriteSideFixtures.Increment(amount: amount), on: id) }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            }
            let queued = try await increments(1...20, through: [aggregates])
            #expect(queued.allSatisfy { $0.attempts == 1 }, "one process's commands on one entity queue instead of conflicting", sourceLocation: sourceLocation)
            #expect(Set(queued.map(\.version)) == Set(1...20), "every execution got its own version", sourceLocation: sourceLocation)

            let other = Aggregates(store: store, snapshots: nil, configuration: configuration)
            let raced = try await increments(21...40, through: [aggregates, other])
            let events = try await store.readStream(StreamName(id))
            #expect(events.map(\.version) == Array(1...40), sourceLocation: sourceLocation)
            #expect(Set(raced.map(\.version)) == Set(21...40), "every execution got its own version", sourceLocation: sourceLocation)
            let state = try await aggregates.load(WriteSideFixtures.Counter.self, id: id).state
            #expect(state.count == 40 && state.total == 820, sourceLocation: sourceLocation)
            let retries = raced.map { $0.attempts - 1 }.reduce(0, +)
            if conflictsExpected {
                #expect(retries > 0, "two processes' concurrent executes on one entity conflict", sourceLocation: sourceLocation)
            }
            let counted = retries == 0 ? 0 : try metrics.expectCounter("chronicle_command_conflicts_total", [("command", "Increment")]).totalValue
            #expect(counted == Int64(retries), "every retry is counted", sourceLocation: sourceLocation)
        }
    }

    /// A counter of 10,000 events loads to the same state with and without snapshots, folding
    /// only the events after the newest snapshot; deleting snapshots or changing the schema tag
    /// changes no result.
    static func snapshotsChangeNoResult(in store: @escaping SnapshotStoreScope, sourceLocation: SourceLocation) async throws {
        try await store(EventLimits()) { base in
            let store = CountingStore(base: base)
            let snapshots: any SnapshotStore = base
            let id = EntityID<WriteSideFixtures.Counter>("counter-10k")
            let stream = StreamName(id)
            try await appendIncrements(count: 10_000, to: stream, in: store)

            let plain = Aggregates(store: store, snapshots: nil)
            let cached = Aggregates(store: store, snapshots: snapshots)
            let expected = try await plain.load(WriteSideFixtures.Counter.self, id: id)
            #expect(expected.version == 10_000 && expected.state.count == 10_000, sourceLocation: sourceLocation)

            #expect(try await cached.load(WriteSideFixtures.Counter.self, id: id).state == expected.state, "the first load folds everything", sourceLocation: sourceLocation)
            #expect(try await snapshots.snapshot(of: stream)?.version == 10_000, "and saves a snapshot", sourceLocation: sourceLocation)

            try await appendIncrements(count: 150, to: stream, in: store)
            let grown = try await plain.load(WriteSideFixtures.Counter.self, id: id)
            await store.resetCount()
            let fromSnapshot = try await cached.load(WriteSideFixtures.Counter.self, id: id)
            #expect(fromSnapshot.state == grown.state && fromSnapshot.version == 10_150, sourceLocation: sourceLocation)
            #expect(await store.eventsRead == 150, "only the events after the snapshot are folded", sourceLocation: sourceLocation)
            #expect(try await snapshots.snapshot(of: stream)?.version == 10_150, sourceLocation: sourceLocation)

            let past = try await plain.load(WriteSideFixtures.Counter.self, id: id, asOf: .version(5_000))
            #expect(try await cached.load(WriteSideFixtures.Counter.self, id: id, asOf: .version(5_000)).state == past.state, "a newer snapshot is not used for the past", sourceLocation: sourceLocation)

            #expect(try await Aggregates(store: store, snapshots: snapshots).load(RetaggedCounter.self, id: EntityID(id.rawValue)).state.counter == grown.state,
                    "a snapshot of another schema tag is ignored", sourceLocation: sourceLocation)

            try await snapshots.deleteSnapshots(entityType: nil)
            #expect(try await snapshots.snapshot(of: stream) == nil, sourceLocation: sourceLocation)
            #expect(try await cached.load(WriteSideFixtures.Counter.self, id: id).state == grown.state, "deleting snapshots changes no result", sourceLocation: sourceLocation)
        }
    }

    /// Appends increments of varying amounts in batches of 1,000, straight to the store.
    static func appendIncrements(count: Int, to stream: StreamName, in store: any EventStore) async throws {
        var appended = 0
        while appended < count {
            let batch = (appended..<min(count, appended + 1_000)).map { WriteSideFixtures.CounterIncremented(amount: $0 % 7 + 1) as any Event }
            try await store.append(batch, to: stream, expected: .any)
            appended += batch.count
        }
    }
}

/// The counter with another snapshot schema tag, as after a change of the state's shape.
struct RetaggedCounter: SnapshottingAggregate {
    static let entityType = WriteSideFixtures.Counter.entityType
    static let snapshotSchema = "2"
    var counter = WriteSideFixtures.Counter()

    static let handlers = EventHandlers<RetaggedCounter> {
        On(WriteSideFixtures.CounterIncremented.self) { event, state in
            try? await WriteSideFixtures.Counter.handlers.apply(event, to: &state.counter)
        }
    }
}

/// A store that counts the events its entity reads return.
actor CountingStore: EventStore {
    let base: any EventStore
    private(set) var eventsRead = 0

    init(base: any EventStore) {
        self.base = base
    }

    func resetCount() {
        eventsRead = 0
    }

    @discardableResult
    nonisolated func append(_ events: [NewEvent], to stream: StreamName, expected: ExpectedVersion) async throws -> AppendResult {
        try await base.append(events, to: stream, expected: expected)
    }

    func readStream(_ stream: StreamName, after version: Int, through lastVersion: Int?, limit: Int) async throws -> [RecordedEvent] {
        let events = try await base.readStream(stream, after: version, through: lastVersion, limit: limit)
        eventsRead += events.count
        return events
    }

    nonisolated func readLog(after position: Int64, limit: Int) async throws -> [RecordedEvent] {
        try await base.readLog(after: position, limit: limit)
    }

    nonisolated func headPosition() async throws -> Int64 {
        try await base.headPosition()
    }
}
