public import ChronicleSQL

/// A hot standby of the store's database, for reads: the events, the log and the read tables,
/// as far as the standby has replayed the primary's write-ahead log.
///
/// A PostgreSQL standby (made with `pg_basebackup -R`) replays the primary's commits in their
/// order, so what it shows of one commit, it shows of every commit before it. An event is there
/// once its append's commit is, with the rows of the inline projections; an async projection's
/// rows are there once its checkpoint row is. ``waitUntilApplied(through:projections:timeout:)``
/// waits for both, so a request that carries its write's position reads its own write.
///
/// Commands never read from a replica: the version they append at must be the primary's.
///
/// ```swift
/// let standby = try await PostgresEventStore(url: standbyURL)
/// let replica = ReadReplica(database: standby, of: app.readSide)
/// guard try await replica.waitUntilApplied(through: position) else { /* 503, retry shortly */ }
/// let meeting = try await replica.database.withReadConnection { sql in ... }
/// ```
public struct ReadReplica: Sendable {
    /// The standby's store: read from it, never write to it.
    public let database: any SQLEventStore
    private let readSide: ReadSide

    /// A replica of the read side's database.
    ///
    /// - Parameters:
    ///   - database: A store opened on the standby.
    ///   - readSide: The read side on the primary, whose async projections are waited for.
    public init(database: any SQLEventStore, of readSide: ReadSide) {
        self.database = database
        self.readSide = readSide
    }

    /// Waits until the standby holds the event at a position and its async projections'
    /// checkpoints have reached it, for a read-your-writes request: the position a write
    /// returned (its consistency token).
    ///
    /// A standby that stopped replaying (paused, cut off from the primary, or far behind) never
    /// gets there: the wait ends at the timeout, and the caller answers "retry shortly" rather
    /// than with rows that lack the write. A standby that is down throws the store's
    /// `EventStoreError.Code.unavailable`.
    ///
    /// - Parameters:
    ///   - position: The position of the write to read.
    ///   - projections: The projections to wait for; every async one when `nil`.
    ///   - timeout: How long to wait at most.
    /// - Returns: Whether the standby got there in time.
    public func waitUntilApplied(through position: Int64, projections: [String]? = nil, timeout: Duration = .seconds(2)) async throws -> Bool {
        try await ReadSide.waitUntilApplied(
            through: position, by: readSide.asyncProjections(among: projections), on: database, eventMustExist: true, timeout: timeout)
    }
}
