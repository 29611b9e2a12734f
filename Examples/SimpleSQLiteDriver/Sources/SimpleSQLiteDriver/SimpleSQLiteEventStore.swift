public import Chronicle
import ChronicleSQL
import Foundation
public import Logging
import NIOPosix
import SQLiteNIO

/// An event store in a SQLite file, written against Chronicle's public driver interface alone.
///
/// It shows what a driver must supply, and little more: one writer connection that appends
/// and write transactions take in turn (``WriterTurns``), one reader connection, and plain
/// statements. Chronicle's `AppendPipeline` does the rest: input checks, group commit, retries
/// and announcements; `ChronicleSQL` adds migrations and snapshots.
public final class SimpleSQLiteEventStore: Sendable {
    /// The size limits every append is checked against.
    public let limits: EventLimits
    /// The upcasting steps applied to every event read.
    public let upcasters: Upcasters
    /// Where the store logs.
    public let logger: Logger

    let writer: SQLiteConnection
    let reader: SQLiteConnection
    let writerTurns = WriterTurns()
    let pipeline = AppendPipeline<SimpleSQLiteEventStore>(maximumGroups: 1, maximumEvents: 1_000)
    let appended = AppendBroadcast()

    /// Opens (and creates) the SQLite file at `path` and migrates it to the store's schema.
    ///
    /// - Parameters:
    ///   - path: The database file.
    ///   - limits: The size limits of appends.
    ///   - upcasters: The upcasting steps applied to every event read.
    ///   - logger: Where the store logs.
    public init(
        path: String, limits: EventLimits = EventLimits(), upcasters: Upcasters = Upcasters(),
        logger: Logger = Logger(label: "simple-sqlite", factory: { _ in SwiftLogNoOpLogHandler() })
    ) async throws {
        self.limits = limits
        self.upcasters = upcasters
        self.logger = logger
        let writer = try await Self.open(path, logger: logger)
        do {
            self.reader = try await Self.open(path, logger: logger)
        } catch {
            try? await writer.close()
            throw error
        }
        self.writer = writer
        do {
            try await migrate()
        } catch {
            try? await close()
            throw error
        }
    }

    /// Closes both connections once pending writes are done.
    public func close() async throws {
        try await writerTurns.take {
            try await self.reader.close()
            try await self.writer.close()
        }
    }

    private static func open(_ path: String, logger: Logger) async throws -> SQLiteConnection {
        let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        do {
            // Readers see the last commit while a write is under way; a reader or another process
            // holding a lock is waited for.
            _ = try await connection.query("PRAGMA journal_mode = WAL")
            _ = try await connection.query("PRAGMA busy_timeout = 10000")
            _ = try await connection.query("PRAGMA synchronous = NORMAL")
        } catch {
            try? await connection.close()
            throw error
        }
        return connection
    }
}
