/// A lock for async code: one holder at a time, waiters served in arrival order (those that ask
/// to go ahead first), each waiting at most a given time, and, when it asks to, no longer than
/// its task is wanted.
///
/// The store's single writer connection is shared by every task; the lock keeps one task's
/// read-check-insert sequence (or transaction) from interleaving with another's.
actor AsyncLock {
    /// A waiter's time ran out before the lock was free.
    struct TimedOut: Error {}

    private var isHeld = false
    private var waiters: [(id: UInt64, ahead: Bool, turn: CheckedContinuation<Void, any Error>)] = []
    private var lastID: UInt64 = 0

    /// Runs `body` while holding the lock, waiting for it at most `limit` (forever when `nil`).
    ///
    /// With `untilCancelled`, a waiter whose task is cancelled leaves the queue at once and
    /// never runs `body`: work whose caller gave up (a deadline passed, a client went away) does
    /// not hold up those behind it, and writes nothing. Without it, the waiter keeps its turn,
    /// as one who writes for others too must (the leader of a group of appends).
    ///
    /// With `ahead`, the waiter is served before every waiter that did not ask to go ahead (and
    /// after those that did): work that must not wait behind a long queue, such as a lease's
    /// heartbeat, waits for the holder only.
    ///
    /// - Throws: ``TimedOut`` when the lock stayed held past the limit; `CancellationError`
    ///   when the task was cancelled while waiting, with `untilCancelled`; `body`'s error.
    nonisolated func withLock<Result: Sendable>(
        waitingAtMost limit: Duration? = nil, untilCancelled: Bool = false, ahead: Bool = false, _ body: @Sendable () async throws -> Result
    ) async throws -> Result {
        if untilCancelled {
            let id = await ticket()
            try await withTaskCancellationHandler {
                try await acquire(waitingAtMost: limit, as: id, untilCancelled: true, ahead: ahead)
            } onCancel: {
                Task { await self.leave(id) }
            }
        } else {
            try await acquire(waitingAtMost: limit, as: nil, untilCancelled: false, ahead: ahead)
        }
        do {
            let result = try await body()
            await release()
            return result
        } catch {
            await release()
            throw error
        }
    }

    /// A number naming one wait for the lock.
    private func ticket() -> UInt64 {
        lastID += 1
        return lastID
    }

    /// Takes the lock, or queues for it. A wait `untilCancelled` whose task is cancelled ends
    /// here when it was cancelled already, or else in ``leave(_:)``, which runs on this actor
    /// after the wait is queued.
    private func acquire(waitingAtMost limit: Duration?, as ticket: UInt64?, untilCancelled: Bool, ahead: Bool) async throws {
        if untilCancelled && Task.isCancelled { throw CancellationError() }
        guard isHeld else {
            isHeld = true
            return
        }
        let id = ticket ?? self.ticket()
        let timer = limit.map { limit in
            Task { [weak self] in
                try? await Task.sleep(for: limit)
                if !Task.isCancelled { await self?.expire(id) }
            }
        }
        defer { timer?.cancel() }
        try await withCheckedThrowingContinuation { turn in
            let place = ahead ? waiters.firstIndex { !$0.ahead } ?? waiters.count : waiters.count
            waiters.insert((id, ahead, turn), at: place)
        }
    }

    private func expire(_ id: UInt64) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).turn.resume(throwing: TimedOut())
    }

    /// Takes a cancelled wait out of the queue; one that has ended already (the lock was taken,
    /// or the wait timed out) goes on.
    private func leave(_ id: UInt64) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).turn.resume(throwing: CancellationError())
    }

    /// How many wait for the lock now.
    var waiting: Int { waiters.count }

    private func release() {
        if waiters.isEmpty {
            isHeld = false
        } else {
            waiters.removeFirst().turn.resume()
        }
    }
}
