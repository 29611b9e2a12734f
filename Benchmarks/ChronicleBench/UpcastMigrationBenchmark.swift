import Chronicle
import ChronicleProjections
import ChronicleSQL
import Foundation

/// An upcasting migration over a log of `events` events stored at version 1 of a type whose
/// current version is 2: every event is rewritten.
struct UpcastMigrationBenchmark {
    var target: BenchTarget
    var events: Int

    /// Events rewritten per second, and peak resident memory, of one migration.
    func run() async throws -> [ResultRow] {
        let events = events
        let upcasters = try Upcasters(
            [
                Upcaster("bench.booked", from: 1) { data in
                    data["starts_at"] = data.removeValue(forKey: "time")
                    data["duration_minutes"] = .integer(30)
                }
            ],
            current: [BenchBooked.self])
        let series = try await target.withUpcastingStore(RebuildBenchmark.writers, upcasters) { store in
            guard let database = store as? any SQLEventStore else { throw BenchError("\(type(of: store)) keeps no projections.") }
            try await Self.seed(store, events: events)
            PeakMemory.reset()
            let clock = ContinuousClock()
            var report: UpcastMigrationReport?
            let elapsed = try await clock.measure { report = try await database.runUpcastMigration("bench", batchSize: 1_000) }
            guard report?.rewritten == events else { throw BenchError("The migration rewrote \(report?.rewritten ?? 0) of \(events) events.") }
            return [
                [Double(events) / elapsed.timeInterval],
                [(PeakMemory.peakBytes() ?? 0) / 1_048_576],
            ]
        }
        let operation = "upcasting migration of \(events.formatted()) events"
        return [
            ResultRow(store: target.name, operation: operation, detail: "events rewritten", figures: series[0], unit: .perSecond),
            ResultRow(store: target.name, operation: operation, detail: "peak RSS", figures: series[1], unit: .megabytes),
        ]
    }

    /// Appends version 1 events, ten per entity, from concurrent writers.
    private static func seed(_ store: any EventStore, events: Int) async throws {
        let entities = events / 10
        let writers = RebuildBenchmark.writers
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    for entity in stride(from: writer, to: entities, by: writers) {
                        let history = (0..<10).map { index in
                            NewEvent(eventType: "bench.booked", schemaVersion: 1, data: Data(#"{"room":"r\#(index)","time":"2026-12-01T10:00:00Z"}"#.utf8))
                        }
                        try await store.append(history, to: StreamName(entityType: "bench-room", entityID: "r\(entity)"), expected: .noEvents)
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}

/// A booking, now at version 2.
struct BenchBooked: Event {
    static let eventType = "bench.booked"
    static let schemaVersion = 2
    var room: String
    var startsAt: String
    var durationMinutes: Int
}
