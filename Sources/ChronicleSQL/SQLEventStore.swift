public import Chronicle
public import ChronicleMigrations
public import Logging
public import SQLKit

/// An event store in a SQL database: what a SQL driver implements.
///
/// Both of Chronicle's database stores conform. Everything written once over SQL builds on it:
/// the store's migrations and snapshots (in this module, so a driver gets them for free), and
/// the read side's runners, rebuilds and reactors (`ChronicleProjections`).
///
/// The guarantees a driver gives:
/// - ``withWriteTransaction(locking:sharing:_:)`` runs its work in one transaction; with a
///   projection name it first takes that projection's lock exclusively, so no other runner,
///   rebuild swap or inline append of the projection runs at the same time. Locks named shared
///   exclude only their exclusive holders.
/// - ``append(_:to:expected:sharingLocksOf:within:)`` appends and runs the work in the same
///   transaction, holding the named projections' locks shared.
/// - ``readCommittedLog(after:limit:)`` returns every committed event, without the guard of
///   `readLog` that holds back events that might be overtaken; it is only safe while the caller
///   holds the exclusive lock of every projection it applies the events to.
public protocol SQLEventStore: EventStore, SnapshotStore, SubjectKeyStore {
    /// The SQL dialect, for projections' table definitions.
    var dialect: any StoreDialect { get }

    /// Runs work in one write transaction.
    ///
    /// - Parameters:
    ///   - projection: The name of a lock (a projection's, or `chronicle.migrations`) to hold
    ///     exclusively, or `nil`.
    ///   - work: The work, given SQL on the transaction.
    /// - Returns: The work's result, once committed.
    func withWriteTransaction<Result: Sendable>(
        locking projection: String?, _ work: @escaping @Sendable (any SQLDatabase) async throws -> Result
    ) async throws -> Result

    /// Runs work in one write transaction, holding locks shared beside the one held exclusively.
    ///
    /// A driver whose database can share a lock implements this; the default (see the
    /// extension) holds the first lock named shared exclusively instead, which excludes more than
    /// asked and is right for every driver.
    ///
    /// - Parameters:
    ///   - projection: The name of a lock to hold exclusively, or `nil`.
    ///   - shared: Names of locks to hold shared, taken before the exclusive one: a partition
    ///     of a projection holds its projection's lock shared, so that its partitions write side
    ///     by side and a rebuild, holding it exclusively, waits for them all. They are tried,
    ///     not waited for.
    ///   - work: The work, given SQL on the transaction.
    /// - Returns: The work's result, once committed.
    /// - Throws: ``LockBusy`` when a lock named shared is held or asked for exclusively (the
    ///   work did not run), and the work's errors.
    func withWriteTransaction<Result: Sendable>(
        locking projection: String?, sharing shared: [String], _ work: @escaping @Sendable (any SQLDatabase) async throws -> Result
    ) async throws -> Result

    /// Appends events and runs work in the same transaction.
    ///
    /// - Parameters:
    ///   - events: The events to append.
    ///   - stream: The entity.
    ///   - expected: The expected version.
    ///   - projections: The projections whose locks to hold shared: the inline projections the
    ///     work applies the events to.
    ///   - work: The work, given SQL on the transaction and the recorded events.
    func append(
        _ events: [NewEvent], to stream: StreamName, expected: ExpectedVersion,
        sharingLocksOf projections: [String],
        within work: @escaping @Sendable (any SQLDatabase, AppendResult) async throws -> Void
    ) async throws -> AppendResult

    /// Reads up to `limit` committed events after a position, none held back.
    func readCommittedLog(after position: Int64, limit: Int) async throws -> [RecordedEvent]

    /// Runs reads outside any write transaction.
    func withReadConnection<Result: Sendable>(_ work: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result

    /// A signal after each append of this process or, where the database tells, of others:
    /// runners wake up instead of waiting for their next poll.
    func appendNotifications() -> AsyncStream<Void>

    /// The upcasting steps the store applies to every event it reads.
    var upcasters: Upcasters { get }

    /// What encrypts the events' personal fields on append and decrypts them on read, if
    /// anything. Its keys are kept in the store (the `SubjectKeyStore` conformance this module
    /// gives every SQL store).
    var personalData: (any PersonalDataProtection)? { get }

    /// Where the store's work written once over this protocol (migrations, say) logs.
    var logger: Logger { get }

    /// Removes what deleted and overwritten rows left in the database's files, where the store
    /// can do that itself: SQLite rewrites its file. Elsewhere it does nothing (PostgreSQL keeps
    /// old row versions until its `VACUUM`, which the operator runs).
    func vacuum() async throws

    /// Claims the right to run a read side's projections and reactors in this process, on a
    /// store that serves one process at a time: SQLite, whose wake-ups and writer connection
    /// are the process's own. Returns the release of the claim, or `nil` where any number of
    /// processes may run them (PostgreSQL: leases share the work out).
    ///
    /// - Throws: `EventStoreError.Code.inUseByAnotherProcess`, naming the process that holds
    ///   the claim.
    func claimRunners(by node: String) async throws -> (@Sendable () -> Void)?

    /// Runs work whose statements each commit by themselves, with no transaction around them:
    /// the read side's leases, whose rows a node frozen between two statements of a transaction
    /// would otherwise keep locked from the nodes that take over.
    func withAutocommitWrites<Result: Sendable>(_ work: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result

    /// Applies the store's own schema where the database has not recorded it yet: its dialect's
    /// `storeMigrations` by default (see the extension), and what the store's configuration adds
    /// (a PostgreSQL log partitioned by position, for one).
    ///
    /// - Returns: The migrations applied by this run; empty when all were applied before.
    @discardableResult
    func migrate() async throws -> [Migration]
}

extension SQLEventStore {
    /// Runs the work in a write transaction: where one process writes (SQLite), no other node
    /// waits on its locks.
    public func withAutocommitWrites<Result: Sendable>(
        _ work: @escaping @Sendable (any SQLDatabase) async throws -> Result
    ) async throws -> Result {
        try await withWriteTransaction(locking: nil, work)
    }

    /// Claims nothing: any number of processes may run read sides on the store.
    public func claimRunners(by node: String) async throws -> (@Sendable () -> Void)? { nil }

    /// Does nothing: the database keeps old row versions until its own vacuum, which the
    /// operator runs.
    public func vacuum() async throws {}
}

extension SQLEventStore {
    /// Runs work in one write transaction holding the first lock named shared exclusively, or,
    /// when none is named shared, the one named exclusively: the default for a driver that
    /// cannot share a lock. The transactions that would have shared the lock take turns instead
    /// (a partitioned projection's partitions write one at a time), and the lock named
    /// exclusively beside it is not needed: every caller takes it only under the shared one.
    public func withWriteTransaction<Result: Sendable>(
        locking projection: String?, sharing shared: [String], _ work: @escaping @Sendable (any SQLDatabase) async throws -> Result
    ) async throws -> Result {
        try await withWriteTransaction(locking: shared.first ?? projection, work)
    }
}
