import Dispatch
import Foundation

/// The one timer behind every pending ``Deadline``: the limits wait in a heap ordered by time,
/// and a single dispatch timer is armed for the earliest. Adding a limit costs a lock and a heap
/// insert, where a timer task per operation cost a task, a sleep and a wake-up when cancelled.
///
/// Limits whose run has ended stay in the heap until they reach its top, and are dropped there
/// when a limit is added or the timer fires: runs mostly end in the order they started. A run
/// that takes long keeps the ones behind it from the top, so when the heap has doubled since it
/// was last swept, every settled limit is dropped: the heap stays within twice the runs in flight.
package final class DeadlineTimer: @unchecked Sendable {
    /// What the timer expires.
    package protocol Entry: AnyObject, Sendable {
        /// The limit passed.
        func expire()
        /// Whether the limit no longer matters (the run ended, or its limit was lifted).
        var isSettled: Bool { get }
    }

    /// The process's timer.
    package static let shared = DeadlineTimer()

    private struct Pending {
        let at: ContinuousClock.Instant
        let entry: any Entry
    }

    private let lock = NSLock()
    private var heap: [Pending] = []
    private var armedFor: ContinuousClock.Instant?
    /// The heap's size at which the settled limits are swept out of it.
    private var sweepAt = 64
    private let queue = DispatchQueue(label: "chronicle.deadline-timer")
    private let timer: any DispatchSourceTimer

    /// A timer of its own; ``shared`` is the one deadlines use.
    package init() {
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.setEventHandler { [weak self] in self?.fire() }
        timer.resume()
    }

    deinit {
        timer.cancel()
    }

    /// Expires `entry` at `instant`, unless it is settled by then.
    package func add(_ entry: any Entry, at instant: ContinuousClock.Instant) {
        lock.withLock {
            dropSettled()
            push(Pending(at: instant, entry: entry))
            if heap.count >= sweepAt { sweep() }
            arm()
        }
    }

    /// The pending limits, settled ones included (for tests).
    package var pendingCount: Int {
        lock.withLock { heap.count }
    }

    private func fire() {
        let now = ContinuousClock.now
        let due = lock.withLock { () -> [any Entry] in
            armedFor = nil
            var due: [any Entry] = []
            while let first = heap.first, first.at <= now {
                due.append(pop().entry)
            }
            dropSettled()
            arm()
            return due
        }
        for entry in due {
            entry.expire()
        }
    }

    /// Arms the timer for the earliest limit, unless it already fires by then. Under the lock.
    private func arm() {
        guard let first = heap.first?.at else { return }
        if let armedFor, armedFor <= first { return }
        armedFor = first
        let wait = max(.zero, first - ContinuousClock.now)
        let (seconds, attoseconds) = wait.components
        timer.schedule(deadline: .now() + .nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)), leeway: .milliseconds(1))
    }

    /// Drops the settled limits at the top of the heap. Under the lock.
    private func dropSettled() {
        while let first = heap.first, first.entry.isSettled {
            _ = pop()
        }
    }

    /// Drops every settled limit, and rebuilds the heap. Under the lock.
    private func sweep() {
        heap.removeAll { $0.entry.isSettled }
        for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) {
            siftDown(from: index)
        }
        sweepAt = max(64, heap.count * 2)
    }

    private func push(_ pending: Pending) {
        heap.append(pending)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].at < heap[parent].at else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private func pop() -> Pending {
        let first = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(from: 0)
        }
        return first
    }

    private func siftDown(from index: Int) {
        var parent = index
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].at < heap[smallest].at { smallest = left }
            if right < heap.count, heap[right].at < heap[smallest].at { smallest = right }
            if smallest == parent { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
