import Chronicle
public import ChronicleProjections
import ChroniclePostgres
import ChronicleSQLite
public import Foundation
public import Logging

/// Where the app keeps its events and read tables: a SQLite file (the default) or PostgreSQL.
public enum MeetingsDatabase: Sendable {
    /// A SQLite file.
    case sqlite(path: String)
    /// A PostgreSQL database, by its `postgres://` URL.
    case postgres(url: String)

    /// The database a `--database-url` names: `postgres://…` (or `postgresql://…`) for
    /// PostgreSQL, `sqlite:<path>` or a plain path for SQLite.
    ///
    /// - Throws: `EventStoreError.Code.invalidInput` for an empty value or a PostgreSQL URL that
    ///   cannot be understood.
    public init(url: String) throws {
        guard !url.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw EventStoreError.invalidInput("The database URL is empty: give a SQLite file or a postgres:// URL.")
        }
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            _ = try PostgresEventStore.clientConfiguration(url: url)
            self = .postgres(url: url)
        } else {
            let path = url.hasPrefix("sqlite:") ? String(url.dropFirst("sqlite:".count)) : url
            guard !path.isEmpty else { throw EventStoreError.invalidInput("The database URL names no SQLite file.") }
            self = .sqlite(path: path)
        }
    }

    /// Opens the store and its read side, runs `body`, and closes the store. A PostgreSQL
    /// store's client runs around `body`, after a first connection proves the URL (within 10 s,
    /// with the server's reason when it fails).
    ///
    /// - Parameters:
    ///   - creating: Whether a missing SQLite file may be created (`serve`, `migrate`); other
    ///     commands refuse a missing file instead of leaving an empty one behind.
    ///   - now: The clock of appends, commands and bookkeeping.
    ///   - logger: Where the store and read side log.
    ///   - pollInterval: How long caught-up runners wait before reading the log again.
    ///   - operationTimeout: How long a request's database work may take.
    ///   - body: What to do with the read side.
    public func withReadSide<Result>(
        creating: Bool = true, now: @escaping @Sendable () -> Date = Date.init, logger: Logger = Logger(label: "meetings"),
        pollInterval: Duration = .seconds(1), operationTimeout: Duration = .seconds(5), _ body: (ReadSide) async throws -> Result
    ) async throws -> Result {
        switch self {
        case .sqlite(let path):
            // Opened unmigrated: `serve` and `migrate` set the schema up, `status` reports it.
            let store = try await SQLiteEventStore(
                configuration: .init(
                    path: path, now: now, busyTimeout: operationTimeout, writerTimeout: operationTimeout, createsFile: creating,
                    migratesOnOpen: false, logger: logger))
            do {
                let result = try await body(MeetingsReadModel.readSide(database: store, now: now, logger: logger, pollInterval: pollInterval))
                try await store.close()
                return result
            } catch {
                try? await store.close()
                throw error
            }
        case .postgres(let url):
            let store = try PostgresEventStore(url: url, configuration: .init(now: now, logger: logger, operationTimeout: operationTimeout))
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await store.run() }
                defer { group.cancelAll() }
                try await store.checkConnection()
                return try await body(MeetingsReadModel.readSide(database: store, now: now, logger: logger, pollInterval: pollInterval))
            }
        }
    }
}
