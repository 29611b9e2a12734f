/// A lock for async code: one holder at a time, waiters served in arrival order, each waiting at
/// most a given time.
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
    /// - Throws: ``TimedOut`` when the lock stayed held past the limit; `body`'s error.
    nonisolated func withLock<Result: Sendable>(
        waitingAtMost limit: Duration? = nil, _ body: @Sendable () async throws -> Result
    ) async throws -> Result {
        try await acquire(waitingAtMost: limit)
        do {
            let result = try await body()
            await release()
            return result
        } catch {
            await release()
            throw error
        }
    }

    private func acquire(waitingAtMost limit: Duration?) async throws {
        guard isHeld else {
            isHeld = true
            return
        }
        lastID += 1
        let id = lastID
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

    private func release() {
        if waiters.isEmpty {
            isHeld = false
        } else {
            waiters.removeFirst().turn.resume()
        }
    }
}
