import Chronicle
import ChronicleSQLite
import Foundation
import VaporCSQLite

/// The limit of an append on this machine: the raw `INSERT` of ``RawEventWriter``, one row per
/// transaction, without Swift's database drivers. On PostgreSQL, `pgbench -M prepared` (C, libpq)
/// with the same writer count; on SQLite, SQLite's C API with one prepared statement, reused, on
/// one thread (SQLite writes one transaction at a time, so more threads only queue).
protocol InsertLimit: Sendable {
    /// Rows inserted per second, and the client's CPU time per row, for about `duration`.
    ///
    /// - Parameters:
    ///   - entity: A new entity per row, or one entity per writer at its next version.
    ///   - run: The run's number, which keeps its entity ids apart from other runs'.
    ///   - expectedPerSecond: A rate the limit reaches at least (the same-driver baseline's), for a
    ///     limit that must be given a number of rows rather than a time.
    func measure(writers: Int, duration: Duration, entity: AppendBenchmark.Entity, run: Int, expectedPerSecond: Double) async throws -> Throughput
}

/// The limit beside a store, or `nil` with a warning when this machine cannot measure it.
func insertLimit(beside store: any EventStore, target: BenchTarget) async throws -> (any InsertLimit)? {
    switch store {
    case let store as SQLiteEventStore:
        return SQLiteInsertLimit(path: store.configuration.path, synchronousCommit: store.configuration.synchronousCommit)
    default:
        guard let url = target.postgresURL else { return nil }
        guard let pgbench = PgbenchInsertLimit.executable() else {
            FileHandle.standardError.write(Data("pgbench not found (set PGBENCH): PostgreSQL rows have no libpq limit.\n".utf8))
            return nil
        }
        return PgbenchInsertLimit(pgbench: pgbench, url: url, schema: try await target.schema(of: store))
    }
}

/// `pgbench -M prepared` running the raw insert into the store's schema.
struct PgbenchInsertLimit: InsertLimit {
    var pgbench: String
    var url: String
    var schema: String

    /// `$PGBENCH`, or `pgbench` on the `PATH` or in PostgreSQL's own directory.
    static func executable() -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["PGBENCH"], FileManager.default.isExecutableFile(atPath: path) { return path }
        let directories = (environment["PATH"] ?? "").split(separator: ":").map(String.init)
            + ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []).sorted().reversed().map { "/usr/lib/postgresql/\($0)/bin" }
        return directories.map { "\($0)/pgbench" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    func measure(writers: Int, duration: Duration, entity: AppendBenchmark.Entity, run: Int, expectedPerSecond: Double) async throws -> Throughput {
        // pgbench keeps each client's variables from one transaction to the next: `version`
        // counts the client's rows. The data goes as a parameter, as the PostgresNIO baseline's.
        let entityID = entity == .new ? "'l\(run)-' || :client_id::text || '-' || :version::text" : "'l\(run)-' || :client_id::text"
        let script = """
            \\set version :version + 1
            INSERT INTO chronicle_events (position, transaction_id, event_id, entity_type, entity_id, version, event_type,
                schema_version, meta, data, created_at)
            VALUES (nextval('chronicle_events_position_seq'), pg_current_xact_id(), gen_random_uuid(), 'bench', \(entityID),
                \(entity == .new ? "1" : ":version"), 'bench.happened', 1, '{}', :data::json, now());

            """
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("chronicle-bench-\(UUID().uuidString).sql")
        try script.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }

        // A number of transactions per client rather than `--time`: pgbench times its runs with
        // SIGALRM, which the threads of a Swift process block, and a child inherits that.
        let transactions = max(100, Int((expectedPerSecond * duration.timeInterval / Double(writers)).rounded(.up)))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: pgbench)
        process.arguments = [
            "--no-vacuum", "--protocol=prepared", "--client=\(writers)", "--jobs=\(min(writers, ProcessInfo.processInfo.activeProcessorCount))",
            "--transactions=\(transactions)", "--define=version=0", "--define=data=\(AppendBenchmark.data)", "--file=\(file.path)", url,
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["PGOPTIONS"] = "-c search_path=\(schema)"
        process.environment = environment
        // Its report goes to a file: a pipe that nobody reads while it runs could fill and stop it.
        let report = file.appendingPathExtension("out")
        _ = FileManager.default.createFile(atPath: report.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: report) }
        let reportHandle = try FileHandle(forWritingTo: report)
        defer { try? reportHandle.close() }
        process.standardOutput = reportHandle
        process.standardError = reportHandle
        let cpuAtStart = Self.childrenCPUMicroseconds()
        try process.run()
        process.waitUntilExit()
        let cpu = Self.childrenCPUMicroseconds() - cpuAtStart
        let text = (try? String(contentsOf: report, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0,
            let processed = Self.figure(after: "number of transactions actually processed: ", in: text),
            let perSecond = Self.figure(after: "tps = ", in: text)
        else {
            throw BenchError("pgbench failed (status \(process.terminationStatus)): \(text.suffix(2_000))")
        }
        if let failed = Self.figure(after: "number of failed transactions: ", in: text), failed > 0 {
            throw BenchError("pgbench: \(Int(failed)) transactions failed: \(text.suffix(2_000))")
        }
        return Throughput(perSecond: perSecond, cpuMicroseconds: cpu / max(processed, 1))
    }

    /// The number that follows `label` in pgbench's report.
    private static func figure(after label: String, in text: String) -> Double? {
        guard let range = text.range(of: label) else { return nil }
        return Double(text[range.upperBound...].prefix { $0.isNumber || $0 == "." })
    }

    /// The CPU time, user and system, of the children the process has waited for.
    private static func childrenCPUMicroseconds() -> Double {
        #if canImport(Glibc)
        AppendBenchmark.cpuMicroseconds(of: RUSAGE_CHILDREN.rawValue)
        #else
        AppendBenchmark.cpuMicroseconds(of: RUSAGE_CHILDREN)
        #endif
    }
}

/// SQLite's C API, the same library SQLiteNIO bundles: one connection to the store's file with
/// its settings, one prepared `INSERT`, bound, stepped and reset in a loop on a thread of its own.
struct SQLiteInsertLimit: InsertLimit {
    var path: String
    var synchronousCommit: Bool

    func measure(writers: Int, duration: Duration, entity: AppendBenchmark.Entity, run: Int, expectedPerSecond: Double) async throws -> Throughput {
        let (path, synchronousCommit) = (path, synchronousCommit)
        return try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result {
                    try Self.loop(path: path, synchronousCommit: synchronousCommit, duration: duration, entity: entity, run: run)
                })
            }.start()
        }
    }

    private static func loop(path: String, synchronousCommit: Bool, duration: Duration, entity: AppendBenchmark.Entity, run: Int) throws -> Throughput {
        var database: OpaquePointer?
        guard sqlite_nio_sqlite3_open_v2(path, &database, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK else {
            throw BenchError("Cannot open \(path).")
        }
        defer { sqlite_nio_sqlite3_close(database) }
        func check(_ status: Int32, _ what: String) throws {
            guard status == SQLITE_OK || status == SQLITE_DONE else {
                throw BenchError("\(what): \(String(cString: sqlite_nio_sqlite3_errmsg(database)))")
            }
        }
        try check(sqlite_nio_sqlite3_exec(
            database, "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = \(synchronousCommit ? "FULL" : "NORMAL")",
            nil, nil, nil), "pragmas")
        var statement: OpaquePointer?
        try check(sqlite_nio_sqlite3_prepare_v3(database, """
            INSERT INTO chronicle_events (event_id, entity_type, entity_id, version, event_type, schema_version, meta, data, created_at)
            VALUES (?, 'bench', ?, ?, 'bench.happened', 1, '{}', ?, ?)
            """, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil), "prepare")
        defer { sqlite_nio_sqlite3_finalize(statement) }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        let data = AppendBenchmark.data

        let clock = ContinuousClock()
        let cpuAtStart = AppendBenchmark.processCPUMicroseconds()
        let start = clock.now
        let deadline = start + duration
        var count = 0
        while clock.now < deadline {
            let entityID = entity == .new ? "l\(run)-\(count)" : "l\(run)"
            sqlite_nio_sqlite3_bind_text(statement, 1, UUID().uuidString, -1, transient)
            sqlite_nio_sqlite3_bind_text(statement, 2, entityID, -1, transient)
            sqlite_nio_sqlite3_bind_int64(statement, 3, Int64(entity == .new ? 1 : count + 1))
            sqlite_nio_sqlite3_bind_text(statement, 4, data, -1, transient)
            sqlite_nio_sqlite3_bind_int64(statement, 5, Int64(Date().timeIntervalSince1970 * 1_000_000))
            try check(sqlite_nio_sqlite3_step(statement), "insert")
            try check(sqlite_nio_sqlite3_reset(statement), "reset")
            count += 1
        }
        let elapsed = clock.now - start
        let cpu = AppendBenchmark.processCPUMicroseconds() - cpuAtStart
        return Throughput(perSecond: Double(count) / elapsed.timeInterval, cpuMicroseconds: cpu / Double(max(count, 1)))
    }
}
