import Chronicle
public import ChronicleProjections
import ChroniclePostgres
import ChronicleSQLite
public import Foundation
public import Logging
public import PostgresNIO

/// Where the app keeps its events and read tables: a SQLite file (the default) or PostgreSQL.
public enum MeetingsDatabase: Sendable {
    /// A SQLite file, created when missing.
    case sqlite(path: String)
    /// A PostgreSQL database.
    case postgres(PostgresClient.Configuration)

    /// The database a `--database-url` names: `postgres://…` (or `postgresql://…`) for
    /// PostgreSQL, `sqlite:<path>` or a plain path for SQLite.
    ///
    /// - Throws: `EventStoreError` when a PostgreSQL URL cannot be understood.
    public init(url: String) throws {
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            self = .postgres(try PostgresEventStore.clientConfiguration(url: url))
        } else {
            self = .sqlite(path: url.hasPrefix("sqlite:") ? String(url.dropFirst("sqlite:".count)) : url)
        }
    }

    /// Opens the store and its read side, runs `body`, and closes the store. A PostgreSQL
    /// store's client runs around `body`.
    ///
    /// - Parameters:
    ///   - now: The clock of appends, commands and bookkeeping.
    ///   - logger: Where the store and read side log.
    ///   - pollInterval: How long caught-up runners wait before reading the log again.
    ///   - body: What to do with the read side.
    public func withReadSide<Result>(
        now: @escaping @Sendable () -> Date = Date.init, logger: Logger = Logger(label: "meetings"),
        pollInterval: Duration = .seconds(1), _ body: (ReadSide) async throws -> Result
    ) async throws -> Result {
        switch self {
        case .sqlite(let path):
            // Opened unmigrated: `serve` and `migrate` set the schema up, `status` reports it.
            let store = try await SQLiteEventStore(configuration: .init(path: path, now: now, migratesOnOpen: false, logger: logger))
            do {
                let result = try await body(MeetingsReadModel.readSide(database: store, now: now, logger: logger, pollInterval: pollInterval))
                try await store.close()
                return result
            } catch {
                try? await store.close()
                throw error
            }
        case .postgres(let clientConfiguration):
            let store = PostgresEventStore(clientConfiguration: clientConfiguration, configuration: .init(now: now, logger: logger))
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await store.run() }
                defer { group.cancelAll() }
                return try await body(MeetingsReadModel.readSide(database: store, now: now, logger: logger, pollInterval: pollInterval))
            }
        }
    }
}
