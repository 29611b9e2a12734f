import Chronicle
import ChronicleSQL
import ChronicleTesting
import Foundation
import PropertyBased
import Testing

/// A property-based check of a store: random runs of appends (every kind of expected version,
/// several events at once, repeated ids, text no database stores), concurrent appends, reads of
/// entities and of the log, and snapshot saves, each compared with a simple model
/// (`StoreModel`).
///
/// Runs are made by swift-property-based from a random seed. A failing run is shrunk to the
/// shortest that still fails, and printed with the seed that reproduces it:
///
/// ```
/// Failure occured with input [append 1 event(s) [...] to account/a0 expecting current+1, ...].
/// Add `.fixedSeed("…")` to the Test to reproduce this issue.
/// ```
///
/// ```swift
/// @Test func model() async {
///     await StoreModelCheck(withStore: sqliteStore).run(cases: StoreModelCheck.cases(default: 30))
/// }
/// ```
struct StoreModelCheck: Sendable {
    let scope: SnapshotStoreScope

    /// Creates the check for a driver.
    ///
    /// - Parameter withStore: Opens a new, empty store (each run gets its own), calls the body
    ///   with it, and closes it. The store must be a `SnapshotStore` too.
    init(withStore: @escaping SnapshotStoreScope) {
        self.scope = withStore
    }

    /// How many runs to make: `CHRONICLE_MODEL_CASES` when set, or the default.
    ///
    /// - Parameter defaultCount: The number of runs without the environment variable.
    public static func cases(default defaultCount: Int) -> Int {
        ProcessInfo.processInfo.environment["CHRONICLE_MODEL_CASES"].flatMap(Int.init) ?? defaultCount
    }

    /// Makes `cases` random runs of up to `maximumLength` operations, each on a new store.
    ///
    /// - Parameters:
    ///   - cases: How many runs.
    ///   - maximumLength: The most operations in a run.
    ///   - sourceLocation: Where failures are reported.
    public func run(cases: Int, maximumLength: Int = 25, sourceLocation: SourceLocation = #_sourceLocation) async {
        await propertyCheck(count: cases, input: StoreOperation.runs(maximumLength: maximumLength)) { operations in
            do {
                try await scope(EventLimits()) { store in
                    var run = StoreModelRun(store: store, sourceLocation: sourceLocation)
                    for operation in operations {
                        try await run.perform(operation)
                    }
                    try await run.compareEverything()
                }
            } catch {
                // The property check counts recorded issues; a thrown error must be one.
                Issue.record("The run threw: \(error)", sourceLocation: sourceLocation)
            }
        }
    }
}

/// One run: the store, the model, and the comparison after each operation.
struct StoreModelRun {
    let store: any EventStore
    let snapshots: any SnapshotStore
    let sourceLocation: SourceLocation
    var model = StoreModel()

    init(store: any EventStore & SnapshotStore, sourceLocation: SourceLocation) {
        self.store = store
        self.snapshots = store
        self.sourceLocation = sourceLocation
    }

    mutating func perform(_ operation: StoreOperation) async throws {
        switch operation {
        case .append(let plan):
            let (events, expected) = model.events(for: plan)
            let stream = StoreOperation.entities[plan.entity]
            let result = await Self.append(events, to: stream, expected: expected, in: store)
            if let recorded = check(result, of: events, to: stream, expected: expected, after: model.head) {
                model.record(recorded)
                model.log += recorded.events
            }

        case .appendConcurrently(let plans):
            var appends: [(events: [NewEvent], stream: StreamName, expected: ExpectedVersion)] = []
            for plan in plans {
                let (events, expected) = model.events(for: plan)
                appends.append((events, StoreOperation.entities[plan.entity], expected))
            }
            let store = self.store
            let results = await withTaskGroup(of: (Int, Result<AppendResult, EventStoreError>).self) { group in
                for (index, append) in appends.enumerated() {
                    group.addTask { (index, await Self.append(append.events, to: append.stream, expected: append.expected, in: store)) }
                }
                return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
            }
            // The entities differ, so each outcome is what it would be alone.
            let head = model.head
            var appended: [AppendResult] = []
            for (index, append) in appends.enumerated() {
                if let recorded = check(results[index]!, of: append.events, to: append.stream, expected: append.expected, after: head) {
                    appended.append(recorded)
                }
            }
            appended.forEach { model.record($0) }
            try await takeConcurrentAppendsIntoTheLog(appended, after: head)

        case .readStream(let entity, let after, let through, let limit):
            let stream = StoreOperation.entities[entity]
            let read = try await store.readStream(stream, after: after, through: through, limit: limit)
            let all = model.entities[stream.entityID].map { $0.type == stream.entityType ? $0.events : [] } ?? []
            let expected = Array(all.filter { $0.version > after && $0.version <= (through ?? .max) }.prefix(limit))
            #expect(read == expected, "reading \(stream) after \(after): \(Self.summary(read)), expected \(Self.summary(expected))", sourceLocation: sourceLocation)

        case .readLog(let afterEvent, let limit):
            let index = min(afterEvent, model.log.count)
            let position = index == 0 ? 0 : model.log[index - 1].position
            let expected = Array(model.log[index...].prefix(limit))
            try await expectLog(after: position, limit: limit, toReach: expected)

        case .saveSnapshot(let entity, let version, let schema, let state):
            let snapshot = Snapshot(
                stream: StoreOperation.entities[entity], version: version, schema: "s\(schema)", state: Data(#"{"state":\#(state)}"#.utf8))
            var refused: EventStoreError.Code?
            do {
                try await snapshots.saveSnapshot(snapshot)
            } catch let error as EventStoreError {
                refused = error.code
            }
            let predicted = model.save(snapshot)
            #expect(refused == predicted, "saving a snapshot at version \(version): \(refused.map(String.init(describing:)) ?? "kept")", sourceLocation: sourceLocation)

        case .loadSnapshot(let entity):
            let stream = StoreOperation.entities[entity]
            let loaded = try await snapshots.snapshot(of: stream)
            #expect(loaded == model.snapshot(of: stream), "the snapshot of \(stream)", sourceLocation: sourceLocation)
        }
    }

    /// Every entity, the whole log, the head and every snapshot, against the model.
    func compareEverything() async throws {
        for stream in StoreOperation.entities {
            let read = try await store.readStream(stream, after: 0, through: nil, limit: 1_000)
            let expected = model.entities[stream.entityID].map { $0.type == stream.entityType ? $0.events : [] } ?? []
            #expect(read == expected, "\(stream) holds \(Self.summary(read)), expected \(Self.summary(expected))", sourceLocation: sourceLocation)
            #expect(try await snapshots.snapshot(of: stream) == model.snapshot(of: stream), "the snapshot of \(stream)", sourceLocation: sourceLocation)
        }
        try await expectLog(after: 0, limit: 1_000, toReach: model.log)
        #expect(try await store.headPosition() == model.head, "the head", sourceLocation: sourceLocation)
    }

    static func append(_ events: [NewEvent], to stream: StreamName, expected: ExpectedVersion, in store: any EventStore) async -> Result<
        AppendResult, EventStoreError
    > {
        do {
            return .success(try await store.append(events, to: stream, expected: expected))
        } catch let error as EventStoreError {
            return .failure(error)
        } catch {
            return .failure(EventStoreError(code: .invalidInput, message: "not an EventStoreError: \(error)"))
        }
    }

    /// Compares an append's outcome with the model's; the recorded events when it succeeded as
    /// it should.
    func check(
        _ result: Result<AppendResult, EventStoreError>, of events: [NewEvent], to stream: StreamName, expected: ExpectedVersion,
        after head: Int64
    ) -> AppendResult? {
        let predicted = model.outcome(of: events, to: stream, expected: expected)
        switch result {
        case .failure(let error):
            #expect(error.code == predicted, "\(stream) expecting \(expected): \(error)", sourceLocation: sourceLocation)
            if error.code == .wrongExpectedVersion {
                #expect(error.actualVersion == model.version(of: stream), "the version it reports: \(error)", sourceLocation: sourceLocation)
            }
            return nil
        case .success(let appended):
            guard predicted == nil else {
                Issue.record("\(stream) expecting \(expected) was appended; expected \(predicted!)", sourceLocation: sourceLocation)
                return nil
            }
            let version = model.version(of: stream)
            #expect(appended.events.map(\.id) == events.map(\.id), sourceLocation: sourceLocation)
            #expect(appended.events.map(\.version) == Array((version + 1)...(version + events.count)), "versions", sourceLocation: sourceLocation)
            #expect(appended.events.allSatisfy { $0.stream == stream && $0.eventType == "model.noted" }, sourceLocation: sourceLocation)
            #expect(appended.events.map(\.data) == events.map(\.data), "data byte for byte", sourceLocation: sourceLocation)
            let positions = appended.events.map(\.position)
            #expect(positions.first.map { $0 > head } == true && positions == positions.sorted() && Set(positions).count == positions.count,
                "positions \(positions) after \(head)", sourceLocation: sourceLocation)
            return appended
        }
    }

    /// Reads the log after the concurrent appends' start, checks that each append's events
    /// came together and in order, and takes that order into the model.
    mutating func takeConcurrentAppendsIntoTheLog(_ appended: [AppendResult], after head: Int64) async throws {
        let count = appended.map(\.events.count).reduce(0, +)
        guard count > 0 else { return }
        let read = try await readLog(after: head, reaching: count)
        let byPosition = appended.flatMap(\.events).sorted { $0.position < $1.position }
        #expect(read == byPosition, "the log after \(head): \(Self.summary(read)), expected \(Self.summary(byPosition))", sourceLocation: sourceLocation)
        for result in appended {
            let positions = result.events.map(\.position)
            let indices = positions.compactMap { position in byPosition.firstIndex { $0.position == position } }
            #expect(indices == Array((indices.first ?? 0)..<((indices.first ?? 0) + indices.count)), "an append's events come together: \(positions)", sourceLocation: sourceLocation)
        }
        model.log += byPosition
    }

    /// Reads the log until it shows `expected`. A reader may see less for a while (PostgreSQL
    /// holds back events while older transactions are open), but never other events.
    func expectLog(after position: Int64, limit: Int, toReach expected: [RecordedEvent]) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            let read = try await store.readLog(after: position, limit: limit)
            guard read != expected else { return }
            guard read.count < expected.count, Array(expected.prefix(read.count)) == read, ContinuousClock.now < deadline else {
                Issue.record("the log after \(position): \(Self.summary(read)), expected \(Self.summary(expected))", sourceLocation: sourceLocation)
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Reads the log after a position until it returns `count` events (or a minute passes).
    func readLog(after position: Int64, reaching count: Int) async throws -> [RecordedEvent] {
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            let read = try await store.readLog(after: position, limit: count + 10)
            if read.count >= count || ContinuousClock.now >= deadline { return read }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Events as `position:entity/version`, for failure messages.
    static func summary(_ events: [RecordedEvent]) -> String {
        "[" + events.map { "\($0.position):\($0.stream)/\($0.version)" }.joined(separator: " ") + "]"
    }
}
