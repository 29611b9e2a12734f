import Chronicle
import ChroniclePostgres
import Foundation

/// Chronicle's append and aggregate load on PostgreSQL through PostgresNIO (the store), beside
/// the same statements through libpq (``LibpqConnection``): runs alternate on one schema. The
/// libpq prototype has one connection per writer, as the store's pool has; it does not group
/// appends (the store does).
struct LibpqBenchmark {
    var target: BenchTarget
    var writers: [Int]
    var settings: RunSettings

    func run() async throws -> [ResultRow] {
        guard let url = target.postgresURL else { return [] }
        let (writers, settings, target) = (writers, settings, target)
        var rows: [ResultRow] = []
        for writerCount in writers {
            let series = try await target.withStore(writerCount) { store in
                let schema = try await target.schema(of: store)
                let connections = try (0..<writerCount).map { _ in try LibpqConnection(url: url, schema: schema) }
                defer { connections.forEach { $0.close() } }
                var nio: [Throughput] = [], libpq: [Throughput] = []
                for run in -1..<settings.runs {
                    let duration = run < 0 ? Duration.milliseconds(500) : settings.duration
                    let appended = try await AppendBenchmark.measure(writers: writerCount, duration: duration) { writer, count in
                        try await store.append([AppendBenchmark.event()], to: StreamName(entityType: "bench", entityID: "n\(run)-\(writer)-\(count)"), expected: .noEvents)
                    }
                    let prototype = try await AppendBenchmark.measure(writers: writerCount, duration: duration) { writer, count in
                        let append = try PreparedAppend(
                            [AppendBenchmark.event()], to: StreamName(entityType: "bench", entityID: "p\(run)-\(writer)-\(count)"), expected: .noEvents,
                            limits: EventLimits(), now: Date())
                        _ = try await connections[writer].run { try $0.append(append) }
                    }
                    if run >= 0 {
                        nio.append(appended)
                        libpq.append(prototype)
                    }
                }
                return Throughput.series(libpq, nio, [])
            }
            let runs = Throughput.runs(series)
            let detail = "\(writerCount) writer\(writerCount == 1 ? "" : "s")"
            rows.append(ResultRow(
                store: target.name, operation: "append 1 event, new entity, libpq prototype (raw SQL column: the store, PostgresNIO)",
                detail: detail, figures: runs.chronicle.map(\.perSecond), unit: .perSecond, baseline: runs.raw.map(\.perSecond)))
            rows.append(ResultRow(
                store: target.name, operation: "append 1 event, new entity, libpq prototype (raw SQL column: the store, PostgresNIO)",
                detail: "\(detail), CPU per append", figures: runs.chronicle.map(\.cpuMicroseconds), unit: .microseconds,
                baseline: runs.raw.map(\.cpuMicroseconds)))
        }
        rows.append(contentsOf: try await loads(url: url))
        return rows
    }

    /// Loading an aggregate of 1,000 events, folded whole: `Aggregates.load` beside the same
    /// read and fold over libpq, alternating.
    private func loads(url: String) async throws -> [ResultRow] {
        let (settings, target) = (settings, target)
        let series = try await target.withStore(1) { store in
            let connection = try LibpqConnection(url: url, schema: try await target.schema(of: store))
            defer { connection.close() }
            let id = EntityID<BenchCounter>("load")
            try await store.append((0..<1_000).map { BenchIncremented(amount: $0 % 7 + 1) as any Event }, to: StreamName(id), expected: .noEvents)
            let aggregates = Aggregates(store: store, snapshots: nil)
            let clock = ContinuousClock()
            var nio: [Double] = [], libpq: [Double] = []
            for run in -1..<max(settings.runs, 3) {
                let viaNIO = try await clock.measure { _ = try await aggregates.load(BenchCounter.self, id: id) }
                var total = 0
                let viaLibpq = try await clock.measure {
                    var counter = BenchCounter()
                    var after = 0
                    while true {
                        let from = after
                        let batch = try await connection.run { try $0.readStream(StreamName(id), after: from, limit: 1_000) }
                        for event in batch {
                            try await BenchCounter.handlers.apply(event, to: &counter)
                            after = event.version
                        }
                        if batch.count < 1_000 { break }
                    }
                    total = counter.count
                }
                guard total == 1_000 else { throw BenchError("The libpq load folded \(total) events.") }
                if run >= 0 {
                    nio.append(viaNIO.timeInterval * 1_000)
                    libpq.append(viaLibpq.timeInterval * 1_000)
                }
            }
            return [libpq, nio]
        }
        return [ResultRow(
            store: target.name, operation: "load an aggregate of 1,000 events, libpq prototype (raw SQL column: the store, PostgresNIO)",
            detail: "no snapshot", figures: series[0], unit: .milliseconds, baseline: series[1])]
    }
}
