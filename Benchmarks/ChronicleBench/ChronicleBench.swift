import ArgumentParser
import Foundation

/// Measures Chronicle's operations on SQLite and PostgreSQL and prints a table of figures.
///
/// Run it through `scripts/bench`, which builds it in release mode and starts a durable
/// throwaway PostgreSQL for it.
@main
struct ChronicleBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chronicle-bench",
        abstract: "Measures Chronicle's appends, commands, aggregate loads, log reads and rebuilds on SQLite and PostgreSQL, beside raw SQL.")

    /// The measurements the harness knows.
    enum Benchmark: String, CaseIterable, ExpressibleByArgument {
        case append, execute, load, read, rebuild, upcast, browser
        case personalData = "personal-data"
    }

    @Option(help: "The PostgreSQL server to measure (default: $CHRONICLE_POSTGRES_URL; skipped when neither is set).")
    var postgresURL: String?

    @Option(help: "Seconds each measured append run lasts.")
    var seconds: Double = 3

    @Option(help: "Measured runs per figure; the table shows their median, minimum and maximum.")
    var runs: Int = 5

    @Option(parsing: .upToNextOption, help: "Concurrent writers to measure appends with.")
    var writers: [Int] = [1, 4, 16]

    @Option(parsing: .upToNextOption, help: "Which measurements to run: \(Benchmark.allCases.map(\.rawValue).joined(separator: ", ")).")
    var only: [Benchmark] = Benchmark.allCases

    @Option(parsing: .upToNextOption, help: "Which stores to measure: \(BenchTarget.Kind.allCases.map(\.rawValue).joined(separator: ", ")) (all but postgres-partitioned by default).")
    var stores: [BenchTarget.Kind] = BenchTarget.Kind.allCases.filter { $0 != .postgresPartitioned }

    @Option(help: "Events in the log that is read whole, replayed by the rebuild and rewritten by the upcasting migration.")
    var rebuildEvents = 1_000_000

    @Flag(help: "One short run per figure (0.5 s, 1 and 16 writers, logs of 20,000 events): a smoke test, not a measurement.")
    var quick = false

    mutating func run() async throws {
        if quick {
            seconds = 0.5
            runs = 1
            if writers == [1, 4, 16] { writers = [1, 16] }
            rebuildEvents = min(rebuildEvents, 20_000)
        }
        let settings = RunSettings(duration: .milliseconds(Int(seconds * 1_000)), runs: runs)
        var rows: [ResultRow] = []
        func report(_ row: ResultRow) {
            print(row.formatted)
            rows.append(row)
        }
        for target in try BenchTarget.all(stores, postgresURL: postgresURL ?? ProcessInfo.processInfo.environment["CHRONICLE_POSTGRES_URL"]) {
            if only.contains(.append) {
                for entity in [AppendBenchmark.Entity.new, .existing] {
                    for writerCount in writers {
                        let runs = try await AppendBenchmark(target: target, writers: writerCount, entity: entity, settings: settings).run()
                        let detail = "\(writerCount) writer\(writerCount == 1 ? "" : "s")"
                        report(ResultRow(
                            store: target.name, operation: "append 1 event, \(entity.rawValue)", detail: detail,
                            figures: runs.chronicle.map(\.perSecond), unit: .perSecond, baseline: runs.raw.map(\.perSecond),
                            limit: runs.limit(\.perSecond), limitTarget: target.appendTarget(writers: writerCount)))
                        report(ResultRow(
                            store: target.name, operation: "append 1 event, \(entity.rawValue)", detail: "\(detail), CPU per append",
                            figures: runs.chronicle.map(\.cpuMicroseconds), unit: .microseconds, baseline: runs.raw.map(\.cpuMicroseconds),
                            limit: runs.limit(\.cpuMicroseconds)))
                    }
                }
            }
            if only.contains(.execute) {
                let runs = try await ExecuteBenchmark(target: target, writers: 16, settings: settings).run()
                let operation = "execute a command (\(ExecuteBenchmark.priorEvents) prior events)"
                report(ResultRow(
                    store: target.name, operation: operation, detail: "16 writers",
                    figures: runs.chronicle.map(\.perSecond), unit: .perSecond, baseline: runs.raw.map(\.perSecond),
                    limit: runs.limit(\.perSecond), limitTarget: target.executeTarget))
                report(ResultRow(
                    store: target.name, operation: operation, detail: "16 writers, CPU per command",
                    figures: runs.chronicle.map(\.cpuMicroseconds), unit: .microseconds, baseline: runs.raw.map(\.cpuMicroseconds),
                    limit: runs.limit(\.cpuMicroseconds)))
            }
            if only.contains(.load) {
                for row in try await LoadBenchmark(target: target, runs: settings.runs).run() {
                    report(row)
                }
            }
            if only.contains(.read), target.measuresRebuilds {
                for row in try await LogReadBenchmark(target: target, events: rebuildEvents, runs: min(settings.runs, 3)).run() {
                    report(row)
                }
            }
            if only.contains(.upcast), target.measuresRebuilds {
                for row in try await UpcastMigrationBenchmark(target: target, events: rebuildEvents).run() {
                    report(row)
                }
            }
            if only.contains(.browser), target.measuresRebuilds {
                for row in try await BrowserBenchmark(target: target, events: rebuildEvents, requests: quick ? 5 : 30).run() {
                    report(row)
                }
            }
            if only.contains(.personalData), target.measuresRebuilds {
                for row in try await PersonalDataBenchmark(target: target, events: quick ? 2_000 : 20_000, runs: settings.runs).run() {
                    report(row)
                }
            }
            if only.contains(.rebuild), target.measuresRebuilds {
                for row in try await RebuildBenchmark(target: target, events: rebuildEvents, runs: min(settings.runs, 3)).run() {
                    report(row)
                }
            }
        }
        print()
        print(ResultRow.table(rows))
    }
}
