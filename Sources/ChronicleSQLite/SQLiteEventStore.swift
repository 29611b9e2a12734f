public import Chronicle
import ChronicleMigrations
import ChronicleSQL
public import Foundation
public import Logging
import NIOCore
import NIOPosix
import SQLiteNIO

/// The embedded event store: one SQLite file, no server.
///
/// It is the default store: nothing to install, and the same behaviour as
/// `PostgresEventStore` (both pass the conformance suite). The file uses SQLite's write-ahead
/// log, so readers never wait for the writer. All appends of the process go through one writer
/// connection, one at a time; other processes may open the same file and are kept apart by
/// SQLite's locks and the events table's unique index.
///
/// ```swift
/// let store = try await SQLiteEventStore(path: "chronicle.sqlite")   // created and migrated
/// try await store.append([MeetingScheduled(title: "Retro", startsAt: date)],
///                        to: StreamName(entityType: "meeting", entityID: "42"), expected: .noEvents)
/// try await store.close()
/// ```
///
/// - Important: Call ``close()`` before the store is released, or run the store in a service
///   group (it is a `Service`), which closes it when the group shuts down.
public final class SQLiteEventStore: EventStore {
    /// Where the store lives and how it behaves.
    public struct Configuration: Sendable {
        /// The database file; created when missing. Default: `chronicle.sqlite` in the working directory.
        public var path: String
        /// The size limits appends must respect.
        public var limits: EventLimits
        /// The clock that stamps appended events.
        public var now: @Sendable () -> Date
        /// How long a write waits for another process holding the file's write lock before it
        /// fails with `EventStoreError.Code.unavailable`. Default: 5 s.
        public var busyTimeout: Duration
        /// How long a write waits for this process's writer connection (held by one write at a
        /// time: another append, a projection's batch, a rebuild) before it fails with
        /// `EventStoreError.Code.unavailable`. Default: 5 s.
        public var writerTimeout: Duration
        /// Whether opening the store creates a missing file. Default: `true`. Tools that only
        /// read or repair (status, a rebuild) pass `false`, so that a mistyped path fails with
        /// `EventStoreError.Code.notMigrated` instead of leaving an empty database behind.
        public var createsFile: Bool
        /// Whether a commit waits until it is on disk (`FULL`, the default: no committed event is
        /// lost on power failure) or only written to the operating system (`NORMAL`: faster,
        /// safe when the process crashes but not when the machine does).
        public var synchronousCommit: Bool
        /// Whether opening the store applies the store's migrations. Default: `true`.
        public var migratesOnOpen: Bool
        /// The upcasting steps applied to every event read, so readers see current versions.
        public var upcasters: Upcasters
        /// What encrypts the events' personal fields on append and decrypts them on read
        /// (`PersonalDataCipher`), if anything. Default: nothing.
        public var personalData: (any PersonalDataProtection)?
        /// The logger for the store's own messages.
        public var logger: Logger

        /// Creates a configuration; every parameter has a sensible default.
        public init(
            path: String = "chronicle.sqlite",
            limits: EventLimits = EventLimits(),
            now: @escaping @Sendable () -> Date = Date.init,
            busyTimeout: Duration = .seconds(5),
            writerTimeout: Duration = .seconds(5),
            createsFile: Bool = true,
            synchronousCommit: Bool = true,
            migratesOnOpen: Bool = true,
            upcasters: Upcasters = Upcasters(),
            personalData: (any PersonalDataProtection)? = nil,
            logger: Logger = Logger(label: "chronicle.sqlite", factory: { _ in SwiftLogNoOpLogHandler() })
        ) {
            self.path = path
            self.limits = limits
            self.now = now
            self.busyTimeout = busyTimeout
            self.writerTimeout = writerTimeout
            self.createsFile = createsFile
            self.synchronousCommit = synchronousCommit
            self.migratesOnOpen = migratesOnOpen
            self.upcasters = upcasters
            self.personalData = personalData
            self.logger = logger
        }
    }

    /// The configuration the store was opened with.
    public let configuration: Configuration

    /// The connection every write of the process goes through, one at a time.
    var writer: SQLiteConnection { writerConnection.connection }
    /// The connection reads go through; in the write-ahead log, it never waits for the writer.
    var reader: SQLiteConnection { readerConnection.connection }
    private let writerConnection: DedicatedConnection
    private let readerConnection: DedicatedConnection
    let writeLock = AsyncLock()
    /// Whether ``close()`` has run; read and written under `writeLock` only.
    private let closing = Closing()
    /// Writes appends, grouping those that wait for the writer: SQLite writes one transaction
    /// at a time.
    let pipeline = AppendPipeline<SQLiteEventStore>(maximumGroups: 1, maximumEvents: SQLiteEventStore.maximumEventsPerGroup)
    let appended = AppendBroadcast()
    /// This process's claim to run read sides on the file.
    let runnerLock: RunnerLock

    /// Opens (and by default creates and migrates) the store at a path.
    ///
    /// - Parameters:
    ///   - path: The database file. Default: `chronicle.sqlite` in the working directory.
    ///   - limits: The size limits appends must respect.
    /// - Throws: `EventStoreError.Code.databaseFailure` when the file cannot be opened, or `MigrationError`.
    public convenience init(path: String = "chronicle.sqlite", limits: EventLimits = EventLimits()) async throws {
        try await self.init(configuration: Configuration(path: path, limits: limits))
    }

    /// Opens (and by default creates and migrates) the store described by a configuration.
    ///
    /// - Throws: `EventStoreError.Code.databaseFailure` when the file cannot be opened, or `MigrationError`.
    public init(configuration: Configuration) async throws {
        self.configuration = configuration
        self.runnerLock = RunnerLock(database: configuration.path)
        let writer = try await Self.connect(configuration)
        let reader: DedicatedConnection
        do {
            reader = try await Self.connect(configuration)
        } catch {
            try? await writer.close()
            writer.endThread()
            throw error
        }
        self.writerConnection = writer
        self.readerConnection = reader
        if configuration.migratesOnOpen {
            do {
                try await migrate()
            } catch {
                try? await close()
                throw error
            }
        }
    }

    /// A store let go without ``close()`` (an error thrown before it, say) closes its
    /// connections in the background rather than leaving them open. Either way, the threads
    /// of its connections end.
    deinit {
        let (reader, writer) = (readerConnection, writerConnection)
        guard !closing.isClosed else {
            reader.endThread()
            writer.endThread()
            return
        }
        Task {
            try? await reader.close()
            try? await writer.close()
            reader.endThread()
            writer.endThread()
        }
    }

    /// Closes the store's connections. The store cannot be used afterwards. Closing a closed
    /// store does nothing.
    public func close() async throws {
        try await writeLock.withLock {
            guard !self.closing.isClosed else { return }
            self.closing.isClosed = true
            try await self.readerConnection.close()
            try await self.writerConnection.close()
        }
    }

    private static func connect(_ configuration: Configuration) async throws -> DedicatedConnection {
        let path = configuration.path
        var storage = SQLiteConnection.Storage.file(path: path)
        if !configuration.createsFile {
            guard FileManager.default.fileExists(atPath: path) else {
                throw EventStoreError(
                    code: .notMigrated, message: "No SQLite database exists at \(path) (and this store does not create one). Migrate it first.")
            }
            // A URI with mode=rw opens an existing file and never creates one.
            let escaped = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "?#"))) ?? path
            storage = .file(path: "file:\(escaped)?mode=rw")
        }
        let dedicated: DedicatedConnection
        do {
            dedicated = try await DedicatedConnection.open(storage, logger: configuration.logger)
        } catch {
            let reason = (error as? SQLiteError)?.message ?? "\(error)"
            throw EventStoreError(
                code: .databaseFailure, message: "Cannot open the SQLite database at \(configuration.path): \(reason).",
                underlying: error)
        }
        let connection = dedicated.connection
        do {
            let timeout = configuration.busyTimeout.components
            let milliseconds = timeout.seconds * 1_000 + timeout.attoseconds / 1_000_000_000_000_000
            _ = try await connection.query("PRAGMA busy_timeout = \(milliseconds)")
            _ = try await connection.query("PRAGMA journal_mode = WAL")
            _ = try await connection.query("PRAGMA synchronous = \(configuration.synchronousCommit ? "FULL" : "NORMAL")")
            return dedicated
        } catch {
            try? await dedicated.close()
            dedicated.endThread()
            throw error
        }
    }
}

/// Whether a store was closed. Guarded by the store's write lock, not by itself.
private final class Closing: @unchecked Sendable {
    var isClosed = false
}
