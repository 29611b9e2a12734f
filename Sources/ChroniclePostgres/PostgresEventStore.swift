public import Chronicle
import ChronicleSQL
public import Foundation
public import Logging
public import PostgresNIO
public import ServiceLifecycle

/// The production event store: PostgreSQL through PostgresNIO.
///
/// Appends from many processes and connections run in parallel; each is one statement, so an
/// append is one round trip and one transaction. Under load, appends of this store that wait
/// for a turn (``Configuration/appendGroups``) are written in groups: one statement and one
/// durable commit for the group, each append still all or nothing and checked against its own
/// expected version. An append with inline projections is written in a transaction of its own
/// at once: PostgreSQL flushes concurrent commits together itself.
/// Readers of the global log never skip an event, however transactions commit (see
/// `Migrations/postgres/0001_create_events.sql`, "Reading in order").
///
/// The store is a `Service`: run it in your service group (or a task) for as long as you use it.
///
/// ```swift
/// let store = try PostgresEventStore(url: "postgres://chronicle@127.0.0.1:5432/app")
/// try await withThrowingDiscardingTaskGroup { group in
///     group.addTask { try await store.run() }
///     try await store.migrate()
///     try await store.append([MeetingScheduled(title: "Retro", startsAt: date)],
///                            to: StreamName(entityType: "meeting", entityID: "42"), expected: .noEvents)
///     group.cancelAll()
/// }
/// ```
public final class PostgresEventStore: EventStore, Service {
    /// How the store behaves, apart from the connection.
    public struct Configuration: Sendable {
        /// The size limits appends must respect.
        public var limits: EventLimits
        /// The clock that stamps appended events.
        public var now: @Sendable () -> Date
        /// The upcasting steps applied to every event read, so readers see current versions.
        public var upcasters: Upcasters
        /// What encrypts the events' personal fields on append and decrypts them on read
        /// (`PersonalDataCipher`), if anything. Default: nothing.
        public var personalData: (any PersonalDataProtection)?
        /// The logger for the store's own messages and its queries.
        public var logger: Logger
        /// The least time between two announcements of appends to other processes
        /// (`NOTIFY chronicle_events`): appends made meanwhile share the next one. Each
        /// announcement is a transaction of its own, so sending one per append would cost a
        /// round trip and a commit per append; other processes learn of appends at most this
        /// much later. This process's own runners are woken at once.
        public var announcementInterval: Duration
        /// How many appends (or groups of appends) are written at a time. Appends that arrive
        /// while this many are being written wait, and those to different entities are then
        /// written together: one statement and one commit for the group, each append still
        /// checked against its own expected version. A lone append is written at once, and so is
        /// an append with inline projections, in a transaction of its own. Default: 4 (values
        /// below 1 count as 1).
        public var appendGroups: Int
        /// How long an append, a read or an inline projection's transaction may wait for a pooled
        /// connection and run, and how long any other transaction may wait for its connection,
        /// before it fails with `EventStoreError.Code.unavailable`: a request never waits
        /// longer for a database that is down, unreachable or overloaded. Default: 5 s.
        public var operationTimeout: Duration
        /// The log partitioned by position range, for a new store: ``migrate()`` converts its
        /// empty log. `nil` (the default): one table.
        public var logPartitions: LogPartitions?

        /// Creates a configuration; every parameter has a sensible default.
        public init(
            limits: EventLimits = EventLimits(),
            now: @escaping @Sendable () -> Date = Date.init,
            upcasters: Upcasters = Upcasters(),
            personalData: (any PersonalDataProtection)? = nil,
            logger: Logger = Logger(label: "chronicle.postgres", factory: { _ in SwiftLogNoOpLogHandler() }),
            announcementInterval: Duration = .milliseconds(10),
            appendGroups: Int = 4,
            operationTimeout: Duration = .seconds(5),
            logPartitions: LogPartitions? = nil
        ) {
            self.limits = limits
            self.now = now
            self.upcasters = upcasters
            self.personalData = personalData
            self.logger = logger
            self.announcementInterval = announcementInterval
            self.appendGroups = appendGroups
            self.operationTimeout = operationTimeout
            self.logPartitions = logPartitions
        }
    }

    /// The configuration of the store.
    public let configuration: Configuration

    /// The connection pool the store uses.
    public let client: PostgresClient

    private let ownsClient: Bool

    /// Where the store connects, when it was made from a URL: what ``checkConnection(timeout:)``
    /// connects to directly.
    let endpoint: Endpoint?

    /// Opened when the store's client runs: queries wait for it.
    let clientStarted: StartGate

    /// Writes appends, grouping those that wait for a turn (see `Configuration.appendGroups`).
    let pipeline: AppendPipeline<PostgresEventStore>

    /// The pipeline of a configuration. Appends with inline projections' work are not grouped:
    /// PostgreSQL flushes the commits of concurrent transactions together by itself, and a
    /// group would run their work one after another on one connection (measured with
    /// `scripts/load-meetings`: the schedule line's p90 and p99 grow by half).
    static func pipeline(_ configuration: Configuration) -> AppendPipeline<PostgresEventStore> {
        AppendPipeline(
            maximumGroups: configuration.appendGroups, maximumEvents: maximumEventsInAGroup,
            groupsAppendsWithWork: false)
    }

    /// Signals appends to this process's runners.
    let appended = AppendBroadcast()

    /// Appends waiting to be announced to other processes; `run()` sends the notifications.
    private let announcements = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    /// Yields when something first asks for append notifications: only then does the store
    /// hold a connection for `LISTEN`.
    let listenRequests = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    /// What the store knows of its log's table.
    let logTable = LogTable()
    /// The positions through which ``run()`` is asked to make the log's partitions.
    let partitionRequests = AsyncStream<Int64>.makeStream(bufferingPolicy: .bufferingNewest(1))

    /// The channel appends are announced on.
    static let notificationChannel = "chronicle_events"

    /// Creates a store on a client that the application runs itself.
    ///
    /// - Parameters:
    ///   - client: A client whose `run()` the application calls (for example in its service group).
    ///   - configuration: How the store behaves.
    public init(client: PostgresClient, configuration: Configuration = Configuration()) {
        self.client = client
        self.configuration = configuration
        self.ownsClient = false
        self.endpoint = nil
        self.clientStarted = StartGate(open: true)
        self.pipeline = Self.pipeline(configuration)
    }

    /// Creates a store and its own client from a connection URL.
    ///
    /// The URL has the form `postgres://user:password@host:port/database?sslmode=prefer`; the port
    /// defaults to 5432, the database to the user name, `sslmode` to `prefer` (`disable`,
    /// `prefer`, `require` and `verify-full` are understood); `search_path=schema` keeps the
    /// store's tables in a schema. The store's ``run()`` runs the client.
    ///
    /// - Throws: `EventStoreError.Code.invalidInput` when the URL cannot be understood.
    public convenience init(
        url: String, configuration: Configuration = Configuration(), maximumConnections: Int = 20
    ) throws {
        let endpoint = try Endpoint(url: url)
        var clientConfiguration = endpoint.clientConfiguration
        clientConfiguration.options.maximumConnections = maximumConnections
        self.init(clientConfiguration: clientConfiguration, endpoint: endpoint, configuration: configuration)
    }

    /// Creates a store and its own client. The store's ``run()`` runs the client.
    public convenience init(clientConfiguration: PostgresClient.Configuration, configuration: Configuration = Configuration()) {
        self.init(clientConfiguration: clientConfiguration, endpoint: nil, configuration: configuration)
    }

    private init(clientConfiguration: PostgresClient.Configuration, endpoint: Endpoint?, configuration: Configuration) {
        self.client = PostgresClient(configuration: clientConfiguration, backgroundLogger: configuration.logger)
        self.configuration = configuration
        self.ownsClient = true
        self.endpoint = endpoint
        self.clientStarted = StartGate(open: false)
        self.pipeline = Self.pipeline(configuration)
    }

    /// Runs the store until the task is cancelled or the service group shuts down: its client
    /// (unless it was given one, which the application runs), and the notifications that wake
    /// projection runners in every process: `NOTIFY chronicle_events` after appends,
    /// `LISTEN chronicle_events` for the appends of others.
    public func run() async throws {
        // The client runs in a task of its own, outside the cancellation of this one, and stops
        // only after the notification tasks have ended: a connection request made by one of them
        // while the pool shuts down could otherwise wait forever.
        let client = ownsClient
            ? Task {
                // Opened in the same task, just before `run()` marks the client running: queries
                // that waited for it lease after that.
                self.clientStarted.open()
                await self.client.run()
            } : nil
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.sendAnnouncements() }
                group.addTask { await self.listenForAppends() }
                group.addTask { await self.makePartitionsAhead() }
            }
        }
        client?.cancel()
        await client?.value
    }

    /// Signals an append to this process's runners, and queues its announcement to others.
    public func announceAppend() {
        appended.signal()
        announcements.continuation.yield()
    }

    /// Sends one notification per wake-up, then waits the announcement interval: appends made
    /// while one is sent or during the wait share the next.
    private func sendAnnouncements() async {
        for await _ in announcements.stream {
            guard !Task.isCancelled else { return }
            do {
                try await execute("SELECT pg_notify(\(Self.notificationChannel), '')")
            } catch {
                configuration.logger.debug("Could not announce an append", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: configuration.announcementInterval)
        }
    }

    /// Listens for other processes' appends, reconnecting after failures, from the first call of
    /// `appendNotifications()` on: a store that only appends and reads keeps every pooled
    /// connection for its work. (A listening store keeps one connection for it.)
    private func listenForAppends() async {
        for await _ in listenRequests.stream { break }
        await clientStarted.wait()
        var failures = 0
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: Self.notificationChannel) { notifications in
                        failures = 0
                        for try await _ in notifications {
                            appended.signal()
                        }
                    }
                }
            } catch {
                guard !Task.isCancelled else { return }
                failures += 1
                configuration.logger.debug("Listening for appends failed; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(min(30_000, 100 << min(failures, 9))))
            }
        }
    }
}
