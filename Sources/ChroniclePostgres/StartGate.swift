import Foundation

/// Holds back work until something has started: the store's queries until its client runs.
///
/// PostgresNIO hands out connections only while `PostgresClient.run()` runs, and warns about a
/// lease asked for before. The store opens this gate just before it calls `run()`, so that no
/// query of its races the client's start.
final class StartGate: @unchecked Sendable {
    private let lock = NSLock()
    private var isOpen: Bool
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// A gate, open or closed.
    init(open: Bool) {
        self.isOpen = open
    }

    /// Lets everyone through, now and from now on.
    func open() {
        let waiting = lock.withLock {
            isOpen = true
            defer { self.waiting = [] }
            return self.waiting
        }
        for waiter in waiting { waiter.resume() }
    }

    /// Returns once the gate is open.
    func wait() async {
        if lock.withLock({ isOpen }) { return }
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let passes = lock.withLock {
                if isOpen { return true }
                waiting.append(waiter)
                return false
            }
            if passes { waiter.resume() }
        }
    }

    /// Whether it is open.
    var hasOpened: Bool { lock.withLock { isOpen } }
}
