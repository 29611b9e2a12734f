/// A lock that a write transaction was to hold shared is held, or asked for, exclusively: the
/// transaction did not run (``SQLEventStore/withWriteTransaction(locking:sharing:_:)``).
///
/// Shared locks are tried rather than waited for, so that many transactions waiting behind one
/// exclusive holder (a rebuild) do not each hold a pooled connection that the holder may need.
/// The caller tries again later.
public struct LockBusy: Error, Sendable, CustomStringConvertible {
    /// The lock's name.
    public let lock: String

    /// An error naming the lock that was busy.
    public init(lock: String) {
        self.lock = lock
    }

    /// A sentence naming the lock.
    public var description: String {
        "The lock \(lock) is held exclusively (a rebuild, say); the transaction did not run. Try again shortly."
    }
}
