public import Chronicle
public import ChronicleMigrations
public import ChronicleSQL
public import Foundation
public import Logging
public import ServiceLifecycle

/// A store's read side: its projections, its reactors, and the runners that keep them current.
///
/// An application gives its read side to its root, ``EventSourcedApp``, which migrates it and
/// appends through its inline projections:
///
/// ```swift
/// try await EventSourcedApp.with(url: "sqlite:app.sqlite", drivers: [.sqlite]) { store in
///     ReadSide(
///         database: store,
///         inline: [MeetingsProjection()],             // current when a command returns
///         async: [ActivityFeedProjection()],          // follows the log
///         reactors: [InvitationMailer(mail: mail)])
/// } _: { app in
///     try await app.migrate()                         // tables, checkpoints, first builds
///     try await app.execute(ScheduleMeeting(…), on: meetingID)
///     try await app.run()                             // async projections and reactors, until shut down
/// }
/// ```
///
/// The read side keeps the runners, rebuilds and status. It is a `Service`: its ``run()``
/// follows the log until cancelled or shut down. Rebuilds
/// (``rebuild(_:mode:progress:)-(String,_,_)``) replay the log into a projection with reactors
/// off: only ``run()`` ever calls a reactor.
public struct ReadSide: Service, Sendable {
    /// How the runners and rebuilds behave.
    public struct Configuration: Sendable {
        /// Events per transaction when following the log. Default: 500.
        public var batchSize: Int
        /// Events per read and transaction when rebuilding. Default: 5,000.
        public var rebuildBatchSize: Int
        /// How long a caught-up runner waits for a wake-up before reading again. Default: 1 s.
        public var pollInterval: Duration
        /// The longest wait between retries of a failing projection or reactor. Default: 30 s.
        public var maximumRetryDelay: Duration
        /// The clock of the bookkeeping's times.
        public var now: @Sendable () -> Date
        /// Where failures and rebuilds are logged.
        public var logger: Logger
        /// How commands executed by reactors are run.
        public var aggregates: Aggregates.Configuration
        /// This node's name in `chronicle_leases`: unique among the processes that run read
        /// sides on one database. Default: the host's name and the process id.
        public var node: String
        /// How long a lease lasts without a heartbeat: after it, another node takes over the
        /// consumer of a holder that died or lost the database. Default: 4 s.
        public var leaseDuration: Duration
        /// How often a holder renews its leases, and a node standing by tries to take them.
        /// Another node takes over within ``leaseDuration`` plus this. Default: 1 s.
        public var leaseRenewal: Duration

        /// Creates a configuration; every parameter has a sensible default.
        public init(
            batchSize: Int = 500,
            rebuildBatchSize: Int = 5_000,
            pollInterval: Duration = .seconds(1),
            maximumRetryDelay: Duration = .seconds(30),
            now: @escaping @Sendable () -> Date = Date.init,
            logger: Logger = Logger(label: "chronicle.read-side", factory: { _ in SwiftLogNoOpLogHandler() }),
            aggregates: Aggregates.Configuration = Aggregates.Configuration(),
            node: String = ReadSide.Configuration.defaultNode,
            leaseDuration: Duration = .seconds(4),
            leaseRenewal: Duration = .seconds(1)
        ) {
            precondition(batchSize > 0 && rebuildBatchSize > 0, "Batches hold at least one event.")
            precondition(!node.isEmpty, "A node has a name.")
            precondition(
                leaseRenewal > .zero && leaseDuration >= leaseRenewal * 2,
                "A lease lasts at least two renewals, so that one late heartbeat does not lose it.")
            self.batchSize = batchSize
            self.rebuildBatchSize = rebuildBatchSize
            self.pollInterval = pollInterval
            self.maximumRetryDelay = maximumRetryDelay
            self.now = now
            self.logger = logger
            self.aggregates = aggregates
            self.node = node
            self.leaseDuration = leaseDuration
            self.leaseRenewal = leaseRenewal
        }

        /// The host's name and the process id, as `host/1234`.
        public static var defaultNode: String {
            "\(ProcessInfo.processInfo.hostName)/\(ProcessInfo.processInfo.processIdentifier)"
        }
    }

    /// The store whose events are projected.
    public let database: any SQLEventStore

    /// How the runners and rebuilds behave.
    public let configuration: Configuration

    let projections: [RegisteredProjection]
    let reactors: [RegisteredReactor]
    /// The application's own migrations, applied by `EventSourcedApp.migrate()` after the store's.
    let migrations: [MigrationSet]
    /// The ids of the upcasting migrations the application ships, which the `migrate --upcast`
    /// command accepts.
    public let upcastMigrations: [String]
    let inlineState = InlineProjectionState()
    /// Queues the commands of every `aggregates(configuration:)` per entity, so that commands
    /// of this process on one entity never conflict with each other.
    let commandQueue = EntityQueue()

    /// Creates the read side of a store.
    ///
    /// - Parameters:
    ///   - database: A store that keeps projections (`SQLiteEventStore`, `PostgresEventStore`).
    ///   - inline: Projections applied inside each append's transaction.
    ///   - async: Projections applied behind the log by ``run()``.
    ///   - reactors: Side effects run by ``run()``.
    ///   - migrations: The application's own tables outside projections (a reactor's outbox,
    ///     say), applied by ``EventSourcedApp/migrate()`` after the store's schema, each set
    ///     under its own scope.
    ///   - upcastMigrations: The ids of the upcasting migrations the application ships (see
    ///     `SQLEventStore.runUpcastMigration(_:batchSize:afterBatch:)`).
    ///   - configuration: How runners and rebuilds behave.
    /// - Precondition: Names are unique, and no migration set uses the store's scope. (Names of
    ///   tables and statements that touch the store's tables are refused by
    ///   ``EventSourcedApp/migrate()``.)
    public init(
        database: some SQLEventStore,
        inline: [any Projection] = [],
        async: [any Projection] = [],
        reactors: [any Reactor] = [],
        migrations: [MigrationSet] = [],
        upcastMigrations: [String] = [],
        configuration: Configuration = Configuration()
    ) {
        precondition(
            !migrations.contains { $0.scope == MigrationSet.storeScope } && Set(migrations.map(\.scope)).count == migrations.count,
            "Application migration sets need scopes of their own: \(migrations.map(\.scope)).")
        self.database = database
        self.migrations = migrations
        self.upcastMigrations = upcastMigrations
        self.configuration = configuration
        self.projections = inline.map { RegisteredProjection($0, mode: .inline) } + async.map { RegisteredProjection($0, mode: .async) }
        self.reactors = reactors.map(RegisteredReactor.init)
        let names = projections.map(\.name) + self.reactors.map(\.name)
        precondition(Set(names).count == names.count, "Projection and reactor names must be unique: \(names.sorted()).")
    }

    /// The names of the registered projections, inline ones first.
    public var projectionNames: [String] { projections.map(\.name) }

    /// The names of the registered reactors.
    public var reactorNames: [String] { reactors.map(\.name) }

    /// The event types a projection or reactor handles, or `nil` for a name not registered.
    public func eventTypes(handledBy name: String) -> Set<String>? {
        projections.first { $0.name == name }?.handlers.eventTypes ?? reactors.first { $0.name == name }?.handlers.eventTypes
    }

    /// The event store to append through: every append also applies the inline projections, in
    /// its transaction. Applications reach it as ``EventSourcedApp/events``.
    package var eventStore: any EventStore { InlineProjectionStore(readSide: self) }

    /// Aggregates whose commands append through `eventStore` (with snapshots kept in the
    /// store, when it keeps them). The commands of all of them, and of reactors, queue per
    /// entity together. Applications reach them through ``EventSourcedApp``.
    package func aggregates(configuration: Aggregates.Configuration? = nil) -> Aggregates {
        Aggregates(
            store: eventStore, snapshots: database,
            configuration: configuration ?? self.configuration.aggregates, queue: commandQueue)
    }

    /// The projection registered under a name.
    func projection(named name: String) throws -> RegisteredProjection {
        guard let projection = projections.first(where: { $0.name == name }) else {
            throw ReadSideError(
                code: .unknownName,
                message: "No projection is named \"\(name)\". Known: \(projections.map(\.name).sorted().joined(separator: ", ")).",
                name: name)
        }
        return projection
    }
}
