/// The writer connection's queue: one transaction at a time, in the order they asked.
///
/// SQLite has one writer. Waiting here, rather than in SQLite's busy handler, keeps the threads
/// that run SQLite's calls free for the transaction that holds the turn.
actor WriterTurns {
    private var busy = false
    private var queue: [CheckedContinuation<Void, Never>] = []

    /// Runs work when its turn comes, and hands the turn on afterwards.
    nonisolated func take<Result: Sendable>(_ work: @Sendable () async throws -> Result) async throws -> Result {
        await wait()
        defer { Task { await self.handOn() } }
        return try await work()
    }

    private func wait() async {
        if busy {
            await withCheckedContinuation { queue.append($0) }
        } else {
            busy = true
        }
    }

    private func handOn() {
        if queue.isEmpty { busy = false } else { queue.removeFirst().resume() }
    }
}
