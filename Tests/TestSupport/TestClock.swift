public import Foundation

/// A clock tests move by hand.
public final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    /// A clock showing `start`.
    public init(_ start: Date) {
        self.current = start
    }

    /// The time it shows.
    public var now: Date { lock.withLock { current } }

    /// Moves it forward.
    public func advance(_ seconds: TimeInterval) {
        lock.withLock { current = current.addingTimeInterval(seconds) }
    }
}
