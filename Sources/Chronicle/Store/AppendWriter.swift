/// The database work of appending, as a driver supplies it.
///
/// Everything else about an append is ``AppendPipeline``'s, written once: checking the input
/// (``PreparedAppend``), gathering concurrent appends into groups, retrying races lost at
/// ``ExpectedVersion/any``, running work in the append's transaction, and announcing appends.
///
/// ```swift
/// extension MyEventStore: AppendWriter {
///     func write(_ append: PreparedAppend) async throws -> AppendResult { … one statement … }
///     // Optional: one statement for a group (the default is one transaction, a savepoint each).
///     func write(group appends: [PreparedAppend]) async -> [AppendOutcome] { … one statement, an outcome each … }
///     func withTransaction<R: Sendable>(sharingLocksOf locks: [String], reservingPositionsFor eventCount: Int, _ work: …) async throws -> R { … BEGIN … COMMIT … }
///     func write(_ append: PreparedAppend, in connection: MyConnection, applyingInlineProjections: Bool) async throws -> AppendResult { … }
///     func withSavepoint<R: Sendable>(in connection: MyConnection, _ work: …) async throws -> R { … SAVEPOINT … }
///     func announceAppend() { appended.signal() }
/// }
/// ```
///
/// - Important: Every `write` refuses an append whose expectation does not hold with
///   ``EventStoreError/Code/wrongExpectedVersion`` (or another ``EventStoreError``), writing
///   nothing of it, and refuses the event types an inline projection handles unless
///   `applyingInlineProjections` says the caller applies them.
public protocol AppendWriter: Sendable {
    /// A write transaction of the driver's database: what
    /// ``withTransaction(sharingLocksOf:reservingPositionsFor:_:)`` hands to its work, such as
    /// the connection it runs on.
    associatedtype Transaction: Sendable

    /// Writes one append in a statement or transaction of its own, refusing event types an
    /// inline projection handles.
    func write(_ append: PreparedAppend) async throws -> AppendResult

    /// Writes appends to different entities together (one statement and one commit, where the
    /// database allows), refusing event types an inline projection handles, and tells what
    /// became of each, in order. It does not throw: a failure is an outcome.
    ///
    /// The default writes the group in one transaction, a savepoint per append.
    func write(group appends: [PreparedAppend]) async -> [AppendOutcome]

    /// Runs work in one write transaction, holding the named locks shared (the inline
    /// projections' locks, which rebuilds take exclusively), and commits it.
    ///
    /// The work writes at most `eventCount` events, through ``write(_:in:applyingInlineProjections:)``:
    /// a database that must give an appending transaction its positions first (PostgreSQL)
    /// reserves that many with the first append.
    func withTransaction<Result: Sendable>(
        sharingLocksOf locks: [String], reservingPositionsFor eventCount: Int,
        _ work: @escaping @Sendable (Transaction) async throws -> Result
    ) async throws -> Result

    /// Writes one append inside a transaction of ``withTransaction(sharingLocksOf:reservingPositionsFor:_:)``.
    func write(_ append: PreparedAppend, in transaction: Transaction, applyingInlineProjections: Bool) async throws -> AppendResult

    /// Runs work inside a transaction so that, when it throws, what it did is undone and the
    /// transaction goes on (a savepoint).
    func withSavepoint<Result: Sendable>(in transaction: Transaction, _ work: @escaping @Sendable () async throws -> Result) async throws -> Result

    /// Tells whoever follows the log that events were appended, after each committed append.
    func announceAppend()
}
