import Chronicle
import ChroniclePostgres
import ChronicleSQL
import Foundation
import Logging
import PostgresNIO
import SQLKit
import TestSupport
import Testing

/// The PostgreSQL server the tests run against, from the environment.
///
/// `scripts/test` starts a throwaway cluster and sets `CHRONICLE_POSTGRES_URL` and
/// `CHRONICLE_REQUIRE_POSTGRES=1`. Without the URL, a plain `swift test` skips these suites and
/// says so; with `CHRONICLE_REQUIRE_POSTGRES` set, a missing URL fails them instead.
enum TestDatabase {
    static let url = ProcessInfo.processInfo.environment["CHRONICLE_POSTGRES_URL"]
    static let isRequired = ProcessInfo.processInfo.environment["CHRONICLE_REQUIRE_POSTGRES"] != nil

    /// Runs the suite when a server is configured or required.
    static let available = Testing.ConditionTrait.enabled(
        if: url != nil || isRequired,
        "PostgreSQL tests SKIPPED: CHRONICLE_POSTGRES_URL is not set. Run scripts/test to start a throwaway server.")

    /// Runs `body` with a migrated store in a fresh schema of its own, dropped afterwards; its
    /// log partitioned by position with `logPartitions`.
    ///
    /// Its operations may take 60 s rather than the default 5 s: the checks queue hundreds of
    /// concurrent appends on a machine that the whole suite shares. The fault tests check the
    /// default.
    static func withStore(
        limits: EventLimits = EventLimits(),
        upcasters: Upcasters = Upcasters(),
        personalData: (any PersonalDataProtection)? = nil,
        maximumConnections: Int = 4,
        appendGroups: Int = 4,
        migrated: Bool = true,
        logPartitions: LogPartitions? = nil,
        _ body: @Sendable (PostgresEventStore) async throws -> Void
    ) async throws {
        guard let url else {
            throw EventStoreError(code: .invalidInput, message: "CHRONICLE_REQUIRE_POSTGRES is set but CHRONICLE_POSTGRES_URL is not.")
        }
        let schema = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        var clientConfiguration = try PostgresEventStore.clientConfiguration(url: url)
        clientConfiguration.options.maximumConnections = maximumConnections
        clientConfiguration.options.additionalStartupParameters = [("search_path", schema)]
        let store = PostgresEventStore(
            clientConfiguration: clientConfiguration, configuration: .init(
                limits: limits, upcasters: upcasters, personalData: personalData, appendGroups: appendGroups, operationTimeout: .seconds(60),
                logPartitions: logPartitions))
        try await store.serving {
            try await execute("CREATE SCHEMA \(unescaped: schema)", on: store.client)
            do {
                if migrated { try await store.migrate() }
                try await body(store)
            } catch {
                try? await execute("DROP SCHEMA \(unescaped: schema) CASCADE", on: store.client)
                throw error
            }
            try await execute("DROP SCHEMA \(unescaped: schema) CASCADE", on: store.client)
        }
    }
}

extension TestDatabase {
    /// A `pg_dump` of the store's schema, data and all: what a backup taken now would hold.
    @Sendable static func dump(_ store: PostgresEventStore) async throws -> Data {
        guard let url else { throw EventStoreError(code: .invalidInput, message: "CHRONICLE_POSTGRES_URL is not set.") }
        let schema = try await store.withReadConnection { sql in
            try await sql.raw("SELECT current_schema() AS schema").first()?.decode(column: "schema", as: String.self)
        }
        guard let schema else { throw EventStoreError(code: .databaseFailure, message: "No current schema.") }
        // The server's own pg_dump, else the one on the PATH. Run without blocking a thread of
        // the concurrency pool, which the other tests of the process share.
        let local = ProcessInfo.processInfo.environment["CHRONICLE_POSTGRES_BIN"].map { $0 + "/pg_dump" }
        let program = local.flatMap { FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil } ?? "/usr/bin/pg_dump"
        let run = try await ChildProcess.run(path: program, ["--dbname=\(url)", "--schema=\(schema)", "--no-owner"], timeout: .seconds(120))
        guard run.status == 0, run.output.utf8.count > 1_000 else {
            throw EventStoreError(code: .databaseFailure, message: "pg_dump failed: \(run)")
        }
        let dumped = Data(run.output.utf8)
        return dumped
    }
}

/// Runs a statement on a connection leased for it alone.
///
/// `PostgresClient.query` can keep a connection leased when a query fails early, so tests (like
/// the store) run their statements inside `withConnection`.
func execute(_ query: PostgresQuery, on client: PostgresClient) async throws {
    try await client.withConnection { connection in
        for try await _ in try await connection.query(query, logger: Logger(label: "chronicle.tests")) {}
    }
}
