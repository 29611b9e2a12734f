import Foundation

/// Fans out "events were appended" to every subscriber: what a driver's
/// ``SQLEventStore/appendNotifications()`` hands out.
///
/// ```swift
/// let broadcast = AppendBroadcast()
/// let wakeups = broadcast.subscribe()     // in appendNotifications()
/// broadcast.signal()                      // after each committed append
/// ```
public final class AppendBroadcast: @unchecked Sendable {
    private let lock = NSLock()
    private var subscribers: [UUID: AsyncStream<Void>.Continuation] = [:]

    /// Creates a broadcast without subscribers.
    public init() {}

    /// A new subscriber's signals. A signal while the subscriber is busy is kept (one at most).
    public func subscribe() -> AsyncStream<Void> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            self.lock.withLock { _ = self.subscribers.removeValue(forKey: id) }
        }
        lock.withLock { subscribers[id] = continuation }
        return stream
    }

    /// Signals every subscriber.
    public func signal() {
        let current = lock.withLock { Array(subscribers.values) }
        for continuation in current {
            continuation.yield()
        }
    }
}
