import Chronicle
import ChronicleSQL
import Foundation

/// How long and how often to measure.
struct RunSettings: Sendable {
    var duration: Duration
    var runs: Int
}

/// One measured run: operations per second, and the process's CPU time per operation (user and
/// system, every thread), which the disk's latency does not blur as it blurs the rate.
struct Throughput: Sendable {
    var perSecond: Double
    var cpuMicroseconds: Double

    /// Chronicle's runs, the baseline's and the limit's (empty when not measured) as the series
    /// of figures a store's body returns.
    static func series(_ chronicle: [Throughput], _ raw: [Throughput], _ limit: [Throughput]) -> [[Double]] {
        [chronicle, raw, limit].flatMap { [$0.map(\.perSecond), $0.map(\.cpuMicroseconds)] }
    }

    /// The runs back from ``series(_:_:_:)``.
    static func runs(_ series: [[Double]]) -> Runs {
        func runs(_ index: Int) -> [Throughput] { zip(series[index], series[index + 1]).map(Throughput.init) }
        return Runs(chronicle: runs(0), raw: runs(2), limit: runs(4))
    }
}

/// The measured runs of Chronicle, of the raw baseline through the same driver, and of the limit.
struct Runs {
    var chronicle: [Throughput]
    var raw: [Throughput]
    /// Empty when the limit could not be measured.
    var limit: [Throughput]

    /// The limit's figures for a result row, or `nil` when there are none.
    func limit(_ figure: KeyPath<Throughput, Double>) -> [Double]? {
        limit.isEmpty ? nil : limit.map { $0[keyPath: figure] }
    }
}

/// Single-event appends from concurrent writers, beside the same number of writers doing a
/// raw `INSERT` into the same table: runs alternate between the two on one database.
struct AppendBenchmark {
    /// Where each append goes.
    enum Entity: String, Sendable {
        /// A new entity per append (expected: no events).
        case new = "new entity"
        /// The writer's own entity, at the version it last wrote (expected: exactly that).
        case existing = "existing entity"
    }

    var target: BenchTarget
    var writers: Int
    var entity: Entity
    var settings: RunSettings

    /// Each measured run, Chronicle's, the raw baseline's and the limit's, after one unmeasured
    /// warm-up run of Chronicle and the baseline.
    func run() async throws -> Runs {
        let (writers, entity, settings, target) = (writers, entity, settings, target)
        let series = try await target.withStore(writers) { store in
            let limit = try await insertLimit(beside: store, target: target)
            return try await withRawWriter(beside: store) { raw in
                var chronicle: [Throughput] = [], baseline: [Throughput] = [], limits: [Throughput] = []
                for run in -1..<settings.runs {
                    let duration = run < 0 ? Duration.milliseconds(500) : settings.duration
                    let appended = try await Self.measure(writers: writers, duration: duration) { writer, count in
                        let stream = StreamName(entityType: "bench", entityID: entity == .new ? "c\(run)-\(writer)-\(count)" : "c\(run)-\(writer)")
                        try await store.append([Self.event()], to: stream, expected: entity == .new ? .noEvents : .exactly(count))
                    }
                    let inserted = try await Self.measure(writers: writers, duration: duration) { writer, count in
                        let id = entity == .new ? "r\(run)-\(writer)-\(count)" : "r\(run)-\(writer)"
                        try await raw.insert(entityID: id, version: entity == .new ? 1 : count + 1, data: Self.data)
                    }
                    if run >= 0 {
                        chronicle.append(appended)
                        baseline.append(inserted)
                        if let limit {
                            limits.append(try await limit.measure(writers: writers, duration: duration, entity: entity, run: run, expectedPerSecond: inserted.perSecond))
                        }
                    }
                }
                return Throughput.series(chronicle, baseline, limits)
            }
        }
        return Throughput.runs(series)
    }

    static let data = #"{"room":"Ada Lovelace","seats":12,"booked":true}"#

    static func event() -> NewEvent {
        NewEvent(eventType: "bench.happened", data: Data(data.utf8))
    }

    /// Operations per second and CPU time per operation: `writers` tasks each calling
    /// `operation(writer, count)` with their own running count until the time is up.
    static func measure(
        writers: Int, duration: Duration, _ operation: @escaping @Sendable (_ writer: Int, _ count: Int) async throws -> Void
    ) async throws -> Throughput {
        let clock = ContinuousClock()
        let cpuAtStart = Self.processCPUMicroseconds()
        let start = clock.now
        let deadline = start + duration
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    var count = 0
                    while clock.now < deadline {
                        try await operation(writer, count)
                        count += 1
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        let elapsed = clock.now - start
        let cpu = Self.processCPUMicroseconds() - cpuAtStart
        return Throughput(perSecond: Double(total) / elapsed.timeInterval, cpuMicroseconds: cpu / Double(max(total, 1)))
    }

    /// The CPU time the process has used so far, user and system, in microseconds.
    static func processCPUMicroseconds() -> Double {
        #if canImport(Glibc)
        cpuMicroseconds(of: RUSAGE_SELF.rawValue)
        #else
        cpuMicroseconds(of: RUSAGE_SELF)
        #endif
    }

    /// The CPU time, user and system, in microseconds, of the process (`RUSAGE_SELF`) or of the
    /// children it has waited for (`RUSAGE_CHILDREN`).
    static func cpuMicroseconds(of who: Int32) -> Double {
        var usage = rusage()
        getrusage(who, &usage)
        func microseconds(_ time: timeval) -> Double { Double(time.tv_sec) * 1_000_000 + Double(time.tv_usec) }
        return microseconds(usage.ru_utime) + microseconds(usage.ru_stime)
    }
}
