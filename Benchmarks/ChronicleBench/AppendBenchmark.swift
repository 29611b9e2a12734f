import Chronicle
import Foundation

/// How long and how often to measure.
struct RunSettings: Sendable {
    var duration: Duration
    var runs: Int
}

/// Single-event appends, each to a new entity, from concurrent writers.
struct AppendBenchmark {
    var target: BenchTarget
    var writers: Int
    var settings: RunSettings

    /// Appends per second of each measured run, after one unmeasured warm-up run.
    func run() async throws -> [Double] {
        let writers = writers
        let settings = settings
        let series = try await target.withStore(writers) { store in
            _ = try await Self.measure(store, writers: writers, duration: .milliseconds(500), run: "warmup")
            var figures: [Double] = []
            for run in 0..<settings.runs {
                figures.append(try await Self.measure(store, writers: writers, duration: settings.duration, run: "\(run)"))
            }
            return [figures]
        }
        return series[0]
    }

    private static func measure(_ store: any EventStore, writers: Int, duration: Duration, run: String) async throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + duration
        let template = NewEvent(eventType: "bench.happened", data: Data(#"{"room":"Ada Lovelace","seats":12,"booked":true}"#.utf8))
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    var appended = 0
                    while clock.now < deadline {
                        var event = template
                        event.id = UUID()
                        try await store.append(
                            [event], to: StreamName(entityType: "bench", entityID: "\(run)-\(writer)-\(appended)"), expected: .noEvents)
                        appended += 1
                    }
                    return appended
                }
            }
            return try await group.reduce(0, +)
        }
        let elapsed = clock.now - start
        return Double(total) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}
