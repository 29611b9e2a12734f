import ArgumentParser
import Chronicle
import ChroniclePostgres
import ChronicleSQL
import ChronicleSQLite
import Foundation
import Logging
import PostgresNIO

/// A store to measure, opened fresh (an empty file or schema) for each measurement.
struct BenchTarget: Sendable {
    var name: String
    /// Whether rebuilds are measured here: one transaction each, so SQLite's synchronous mode
    /// makes no difference and only one of its variants is measured.
    var measuresRebuilds = true
    /// The PostgreSQL server's URL, for measuring its limit with `pgbench`; `nil` for SQLite.
    var postgresURL: String? = nil
    /// Opens a fresh store with room for `connections` concurrent writers, measures with `body`,
    /// and returns its series of figures.
    var open: @Sendable (
        _ connections: Int, _ upcasters: Upcasters, _ personalData: (any PersonalDataProtection)?,
        _ body: @Sendable (any EventStore) async throws -> [[Double]]
    ) async throws -> [[Double]]

    /// The least ratio of an append to the limit: 0.8× of libpq on PostgreSQL; on SQLite, 0.8×
    /// of the C loop with one writer and 1× with 16 (concurrent appends share commits, the
    /// loop does not).
    func appendTarget(writers: Int) -> Double {
        postgresURL != nil || writers < 16 ? 0.8 : 1
    }

    /// The least ratio of a command to the limit of an insert, 16 writers: 0.6× on PostgreSQL,
    /// 0.8× on SQLite.
    var executeTarget: Double { postgresURL != nil ? 0.6 : 0.8 }

    /// Opens a fresh store that upcasts the events it reads.
    func withUpcastingStore(
        _ connections: Int, _ upcasters: Upcasters, _ body: @Sendable (any EventStore) async throws -> [[Double]]
    ) async throws -> [[Double]] {
        try await open(connections, upcasters, nil, body)
    }

    /// Opens a fresh store that reads events as stored.
    func withStore(_ connections: Int, _ body: @Sendable (any EventStore) async throws -> [[Double]]) async throws -> [[Double]] {
        try await withUpcastingStore(connections, Upcasters(), body)
    }

    /// The stores the harness knows.
    enum Kind: String, CaseIterable, ExpressibleByArgument {
        case sqliteFull = "sqlite-full", sqliteNormal = "sqlite-normal", postgres
        /// PostgreSQL with the log partitioned by position, in partitions of 100,000 positions.
        case postgresPartitioned = "postgres-partitioned"
    }

    static func all(_ kinds: [Kind], postgresURL: String?) throws -> [BenchTarget] {
        var targets: [BenchTarget] = []
        if kinds.contains(.sqliteFull) {
            targets.append(sqlite(synchronousCommit: true))
        }
        if kinds.contains(.sqliteNormal) {
            var normal = sqlite(synchronousCommit: false)
            normal.measuresRebuilds = false
            targets.append(normal)
        }
        if kinds.contains(.postgres) || kinds.contains(.postgresPartitioned) {
            if let postgresURL {
                if kinds.contains(.postgres) { targets.append(try postgres(url: postgresURL)) }
                if kinds.contains(.postgresPartitioned) {
                    targets.append(try postgres(url: postgresURL, logPartitions: LogPartitions(positionsPerPartition: 100_000)))
                }
            } else {
                FileHandle.standardError.write(Data("No PostgreSQL URL given: PostgreSQL is not measured.\n".utf8))
            }
        }
        return targets
    }

    static func sqlite(synchronousCommit: Bool) -> BenchTarget {
        BenchTarget(name: "SQLite, synchronous=\(synchronousCommit ? "FULL" : "NORMAL")") { _, upcasters, personalData, body in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chronicle-bench-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let store = try await SQLiteEventStore(configuration: .init(
                path: directory.appendingPathComponent("bench.sqlite").path, synchronousCommit: synchronousCommit, upcasters: upcasters,
                personalData: personalData))
            return try await store.serving { try await body(store) }
        }
    }

    static func postgres(url: String, logPartitions: LogPartitions? = nil) throws -> BenchTarget {
        let base = try PostgresEventStore.clientConfiguration(url: url)
        let name = logPartitions == nil ? "PostgreSQL" : "PostgreSQL, partitioned log"
        return BenchTarget(name: name, postgresURL: url) { connections, upcasters, personalData, body in
            let schema = "bench_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            var configuration = base
            configuration.options.maximumConnections = connections
            configuration.options.additionalStartupParameters = [("search_path", schema)]
            let store = PostgresEventStore(clientConfiguration: configuration, configuration: .init(upcasters: upcasters, personalData: personalData, logPartitions: logPartitions))
            return try await store.serving {
                try await execute("CREATE SCHEMA \(unescaped: schema)", on: store.client)
                let figures: [[Double]]
                do {
                    try await store.migrate()
                    figures = try await body(store)
                } catch {
                    try? await execute("DROP SCHEMA \(unescaped: schema) CASCADE", on: store.client)
                    throw error
                }
                try await execute("DROP SCHEMA \(unescaped: schema) CASCADE", on: store.client)
                return figures
            }
        }
    }

    /// The schema a store of this target writes to (each measurement has one of its own).
    func schema(of store: any EventStore) async throws -> String {
        guard let store = store as? PostgresEventStore else { throw BenchError("\(type(of: store)) has no schema.") }
        return try await store.client.withConnection { connection in
            for try await schema in try await connection.query("SELECT current_schema()", logger: Logger(label: "chronicle.bench")).decode(String.self) {
                return schema
            }
            throw BenchError("No current schema.")
        }
    }

    private static func execute(_ query: PostgresQuery, on client: PostgresClient) async throws {
        try await client.withConnection { connection in
            for try await _ in try await connection.query(query, logger: Logger(label: "chronicle.bench")) {}
        }
    }
}
