import Chronicle
import Foundation

/// Loading an aggregate of 1,000 and 10,000 events, folding all of them or starting from a
/// snapshot.
struct LoadBenchmark {
    var target: BenchTarget
    var runs: Int

    /// Milliseconds per load, in rows: without and with snapshots, for each size.
    func run() async throws -> [ResultRow] {
        let runs = runs
        let name = target.name
        var rows: [ResultRow] = []
        for size in [1_000, 10_000] {
            let series = try await target.withStore(1) { store in
                let id = EntityID<BenchCounter>("load-\(size)")
                var appended = 0
                while appended < size {
                    let batch = (appended..<min(size, appended + 1_000)).map { BenchIncremented(amount: $0 % 7 + 1) as any Event }
                    try await store.append(batch, to: StreamName(id), expected: .any)
                    appended += batch.count
                }
                let plain = Aggregates(store: store, snapshots: nil)
                let cached = Aggregates(store: store, snapshots: store as? any SnapshotStore)
                _ = try await cached.load(BenchCounter.self, id: id)  // saves the snapshot
                let withoutSnapshots = try await Self.measure(runs) { _ = try await plain.load(BenchCounter.self, id: id) }
                let withSnapshots = try await Self.measure(runs) { _ = try await cached.load(BenchCounter.self, id: id) }
                return [withoutSnapshots, withSnapshots]
            }
            for (detail, figures) in zip(["no snapshot", "from a snapshot"], series) {
                rows.append(ResultRow(
                    store: name, operation: "load an aggregate of \(size.formatted()) events", detail: detail,
                    figures: figures, unit: .milliseconds))
            }
        }
        return rows
    }

    /// Milliseconds of each of `runs` calls, after one unmeasured call.
    private static func measure(_ runs: Int, _ body: () async throws -> Void) async throws -> [Double] {
        try await body()
        var figures: [Double] = []
        let clock = ContinuousClock()
        for _ in 0..<runs {
            let elapsed = try await clock.measure { try await body() }
            figures.append(elapsed.timeInterval * 1_000)
        }
        return figures
    }
}

/// The aggregate the load benchmark folds: a counter, snapshotted every 100 events.
struct BenchCounter: SnapshottingAggregate {
    static let entityType = "bench-counter"
    var count = 0
    var total = 0

    static let handlers = EventHandlers<BenchCounter> {
        On(BenchIncremented.self) { event, counter in
            counter.count += 1
            counter.total += event.amount
        }
    }
}

/// One increment of ``BenchCounter``.
struct BenchIncremented: Event {
    static let eventType = "bench.incremented"
    var amount: Int
}
