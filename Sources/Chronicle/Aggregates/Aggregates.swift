public import CoreMetrics
public import Foundation
public import Logging

/// Loads aggregates from their events and executes commands on them.
///
/// ```swift
/// let store = try await SQLiteEventStore(path: "app.sqlite")
/// let aggregates = Aggregates(store: store)                      // snapshots kept in the same store
///
/// let result = try await aggregates.execute(
///     ScheduleMeeting(title: "Retro", startsAt: date, inviteeIDs: [2, 3], organizerID: 1),
///     on: meetingID, metadata: EventMetadata(actor: "user-1"))
/// let meeting = try await aggregates.load(Meeting.self, id: meetingID)
/// ```
///
/// - Important: Executing is load, validate, decide, append: the append expects the version
///   that was loaded, so a command is never carried out on a state another writer has changed.
///   Commands of one `Aggregates` (and of every `Aggregates` that shares its queue, such as a
///   read side's) on one entity run one at a time, in arrival order, so they never conflict
///   with each other. A command overtaken by another process is decided again on the newer
///   state, after a short random delay that grows with each conflict, until
///   ``Configuration/retryBudget`` is spent.
public struct Aggregates: Sendable {
    /// How commands are executed and aggregates loaded.
    public struct Configuration: Sendable {
        /// How long a command may keep being decided again after conflicts with other
        /// processes before it fails with ``EventStoreError/Code/busy``. Default: 5 s, as long as
        /// a request may wait for PostgreSQL by default: time for many attempts on a busy machine.
        public var retryBudget: Duration
        /// How many events each read of an entity returns. Default: 1,000.
        public var readBatchSize: Int
        /// The clock that validation and `decide` see.
        public var now: @Sendable () -> Date
        /// Makes command and event ids.
        public var makeID: @Sendable () -> UUID
        /// Encodes and decodes events and snapshots.
        public var coder: EventCoder
        /// Receives a debug line for every conflict that makes a command be decided again.
        public var logger: Logger
        /// Receives the metrics of commands, appends, projections, reactors and rebuilds (the
        /// read side reports to its `aggregates` configuration's): see <doc:MetricsAndTracing>.
        public var metrics: any MetricsFactory

        /// Creates a configuration; every parameter has a sensible default.
        public init(
            retryBudget: Duration = .seconds(5),
            readBatchSize: Int = 1_000,
            now: @escaping @Sendable () -> Date = Date.init,
            makeID: @escaping @Sendable () -> UUID = UUID.init,
            coder: EventCoder = .default,
            logger: Logger = Logger(label: "chronicle", factory: { _ in SwiftLogNoOpLogHandler() }),
            metrics: any MetricsFactory = MetricsSystem.factory
        ) {
            precondition(retryBudget >= .zero && readBatchSize >= 1, "A budget of zero or more and one event per read at least.")
            self.retryBudget = retryBudget
            self.readBatchSize = readBatchSize
            self.now = now
            self.makeID = makeID
            self.coder = coder
            self.logger = logger
            self.metrics = metrics
        }
    }

    /// Where the events are.
    public let store: any EventStore

    /// Where snapshots are kept, if anywhere.
    public let snapshots: (any SnapshotStore)?

    /// How commands are executed and aggregates loaded.
    public let configuration: Configuration

    /// Runs the commands on one entity one at a time.
    let queue: EntityQueue

    /// Creates aggregates on an event store, with snapshots kept elsewhere or nowhere.
    public init(store: any EventStore, snapshots: (any SnapshotStore)?, configuration: Configuration = Configuration()) {
        self.init(store: store, snapshots: snapshots, configuration: configuration, queue: EntityQueue())
    }

    /// Creates aggregates whose commands queue with those of others sharing `queue`.
    package init(store: any EventStore, snapshots: (any SnapshotStore)?, configuration: Configuration, queue: EntityQueue) {
        self.store = store
        self.snapshots = snapshots
        self.configuration = configuration
        self.queue = queue
    }

    /// Creates aggregates on a store that also keeps their snapshots.
    public init(store: some EventStore & SnapshotStore, configuration: Configuration = Configuration()) {
        self.init(store: store, snapshots: store, configuration: configuration)
    }
}
