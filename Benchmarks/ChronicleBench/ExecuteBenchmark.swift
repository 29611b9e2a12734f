import Chronicle
import ChronicleSQL
import Foundation

/// The whole write path of a command: validate, load the entity (10 prior events), decide,
/// append; from concurrent writers, beside the same writers doing a raw `INSERT` of a new event
/// row, and beside that insert's limit (``InsertLimit``). Runs alternate between them on one database.
struct ExecuteBenchmark {
    var target: BenchTarget
    var writers: Int
    var settings: RunSettings

    /// The events each entity has before a command runs on it.
    static let priorEvents = 10

    /// Each measured run, Chronicle's commands and the raw baseline's inserts, after one
    /// unmeasured warm-up run of each.
    ///
    /// Each command acts on an entity of its own with ``priorEvents`` events, seeded before the
    /// run (unmeasured) in the number the warm-up's rate says the run will need, with half again
    /// to spare; a writer that runs out goes round its entities again, which then have one event more.
    func run() async throws -> Runs {
        let (writers, settings, target) = (writers, settings, target)
        let series = try await target.withStore(writers) { store in
            let aggregates = Aggregates(store: store, snapshots: nil)
            let limit = try await insertLimit(beside: store, target: target)
            return try await withRawWriter(beside: store) { raw in
                var chronicle: [Throughput] = [], baseline: [Throughput] = [], limits: [Throughput] = []
                var perWriter = 50
                for run in -1..<settings.runs {
                    let duration = run < 0 ? Duration.milliseconds(500) : settings.duration
                    try await Self.seed(store, run: run, writers: writers, perWriter: perWriter)
                    let entities = perWriter
                    let executed = try await AppendBenchmark.measure(writers: writers, duration: duration) { writer, count in
                        let id = EntityID<BenchCounter>(Self.entityID(run: run, writer: writer, index: count % entities))
                        try await aggregates.execute(BenchIncrement(amount: count % 7 + 1), on: id)
                    }
                    let inserted = try await AppendBenchmark.measure(writers: writers, duration: duration) { writer, count in
                        try await raw.insert(entityID: "x\(run)-\(writer)-\(count)", version: 1, data: AppendBenchmark.data)
                    }
                    if run >= 0 {
                        chronicle.append(executed)
                        baseline.append(inserted)
                        if let limit {
                            limits.append(try await limit.measure(writers: writers, duration: duration, entity: .new, run: run, expectedPerSecond: inserted.perSecond))
                        }
                    }
                    perWriter = max(perWriter, Int((executed.perSecond / Double(writers) * settings.duration.timeInterval * 1.5).rounded(.up)))
                }
                return Throughput.series(chronicle, baseline, limits)
            }
        }
        return Throughput.runs(series)
    }

    static func entityID(run: Int, writer: Int, index: Int) -> String {
        "e\(run)-\(writer)-\(index)"
    }

    /// Gives each writer `perWriter` entities of ``priorEvents`` events, one append each.
    private static func seed(_ store: any EventStore, run: Int, writers: Int, perWriter: Int) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    for index in 0..<perWriter {
                        let history = (0..<priorEvents).map { BenchIncremented(amount: $0 % 7 + 1) as any Event }
                        let stream = StreamName(entityType: BenchCounter.entityType, entityID: entityID(run: run, writer: writer, index: index))
                        try await store.append(history, to: stream, expected: .noEvents)
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}

/// Adds to a ``BenchCounter``: a field rule (a positive amount) and a state rule (the total
/// stays below a million).
struct BenchIncrement: Command {
    typealias Target = BenchCounter
    var amount: Int

    static let schema = Schema<BenchIncrement> {
        Field(\.amount, "amount") { Positive() }
    }

    func decide(_ counter: BenchCounter, context: CommandContext) throws -> [any Event] {
        guard counter.total + amount < 1_000_000 else { throw BenchError("The counter is full.") }
        return [BenchIncremented(amount: amount)]
    }
}
