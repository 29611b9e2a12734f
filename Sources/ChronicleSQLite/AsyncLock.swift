/// A lock for async code: one holder at a time, waiters served in arrival order, each waiting at
/// most a given time, and, when it asks to, no longer than its task is wanted.
///
/// The store's single writer connection is shared by every task; the lock keeps one task's
/// read-check-insert sequence (or transaction) from interleaving with another's.
actor AsyncLock {
    /// A waiter's time ran out before the lock was free.
    struct TimedOut: Error {}

    private var isHeld = false
    private var waiters: [(id: UInt64, turn: CheckedContinuation<Void, any Error>)] = []
    private var lastID: UInt64 = 0

    /// Runs `body` while holding the lock, waiting for it at most `limit` (forever when `nil`).
    ///
    /// With `untilCancelled`, a waiter whose task is cancelled leaves the queue at once and
    /// never runs `body`: work whose caller gave up (a deadline passed, a client went away) does
    /// not hold up those behind it, and writes nothing. Without it, the waiter keeps its turn,
    /// as one who writes for others too must (the leader of a group of appends).
    ///
    /// - Throws: ``TimedOut`` when the lock stayed held past the limit; `CancellationError`
    ///   when the task was cancelled while waiting, with `untilCancelled`; `body`'s error.
    nonisolated func withLock<Result: Sendable>(
        waitingAtMost limit: Duration? = nil, untilCancelled: Bool = false, _ body: @Sendable () async throws -> Result
    ) async throws -> Result {
        if untilCancelled {
            let id = await ticket()
            try await withTaskCancellationHandler {
                try await acquire(waitingAtMost: limit, as: id, untilCancelled: true)
            } onCancel: {
                Task { await self.leave(id) }
            }
        } else {
            try await acquire(waitingAtMost: limit, as: nil, untilCancelled: false)
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
    private func acquire(waitingAtMost limit: Duration?, as ticket: UInt64?, untilCancelled: Bool) async throws {
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
        try await withCheckedThrowingContinuation { waiters.append((id, $0)) }
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

    private func release() {
        if waiters.isEmpty {
            isHeld = false
        } else {
            waiters.removeFirst().turn.resume()
        }
    }
}
