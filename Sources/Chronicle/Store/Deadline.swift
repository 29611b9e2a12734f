import Foundation

/// Runs work that must answer within a time limit, and answers at the limit even when the work
/// does not: a request never waits longer than its deadline for a database that is gone.
///
/// The work runs in a task of its own. When the limit passes first, that task is cancelled (a
/// wait for a pooled connection ends at once) and left to finish by itself; its result is
/// dropped. The work may lift the limit once past its part that must be bounded (waiting for a
/// connection, say), with ``Handle/lift()``. The limits of every pending run are kept by one
/// timer (``DeadlineTimer``), not by a task each.
///
/// The limit counts from when the work's task starts. When the cooperative pool is busy, a
/// task may start well after the call; the time before that is not the work's, and counting it
/// would fail work that never had its chance (a readiness check at start-up, say).
///
/// ```swift
/// guard let rows = try await Deadline.run(within: .seconds(5), { _ in try await query() }) else {
///     throw EventStoreError.unavailable("The database did not answer within 5 s.")
/// }
/// ```
package enum Deadline {
    /// What the work can do about its deadline.
    package final class Handle: @unchecked Sendable {
        fileprivate let lifted: @Sendable () -> Void

        fileprivate init(lifted: @escaping @Sendable () -> Void) {
            self.lifted = lifted
        }

        /// Removes the limit: the work may now take as long as it takes.
        package func lift() {
            lifted()
        }
    }

    /// The work's result, or `nil` when the limit passed first.
    ///
    /// - Throws: The work's error, when it fails within the limit; `CancellationError` when the
    ///   caller is cancelled first.
    package static func run<Result: Sendable>(
        within limit: Duration, _ work: @escaping @Sendable (Handle) async throws -> Result
    ) async throws -> Result? {
        let race = Race<Result>()
        let handle = Handle { race.lift() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result?, any Error>) in
                race.start(continuation, work: Task {
                    // The limit counts from when the work starts, not from the call: under a busy
                    // cooperative pool a task may start late, and its limit is the work's time.
                    DeadlineTimer.shared.add(race, at: ContinuousClock.now + limit)
                    race.finish(with: await Swift.Result(catching: { try await work(handle) }).map { Optional($0) })
                })
            }
        } onCancel: {
            race.finish(with: .failure(CancellationError()))
        }
    }

    /// Whichever of the work, the limit and cancellation finishes first resumes the caller and
    /// cancels the work.
    private final class Race<Result: Sendable>: DeadlineTimer.Entry, @unchecked Sendable {
        private let lock = NSLock()
        private var continuation: CheckedContinuation<Result?, any Error>?
        private var outcome: Swift.Result<Result?, any Error>?
        private var work: Task<Void, Never>?
        private var isLifted = false

        func start(_ continuation: CheckedContinuation<Result?, any Error>, work: Task<Void, Never>) {
            let finished = lock.withLock { () -> Swift.Result<Result?, any Error>? in
                if outcome == nil {
                    self.work = work
                    self.continuation = continuation
                }
                return outcome
            }
            if let finished {
                work.cancel()
                continuation.resume(with: finished)
            }
        }

        /// The limit passed: unless it was lifted, the caller gets `nil`.
        func expire() {
            finish(with: .success(nil), unlessLifted: true)
        }

        /// Whether the limit no longer matters: the race is over, or the limit was lifted.
        var isSettled: Bool {
            lock.withLock { outcome != nil || isLifted }
        }

        func lift() {
            lock.withLock { isLifted = true }
        }

        func finish(with result: Swift.Result<Result?, any Error>, unlessLifted: Bool = false) {
            let (continuation, work) = lock.withLock { () -> (CheckedContinuation<Result?, any Error>?, Task<Void, Never>?) in
                guard outcome == nil, !(unlessLifted && isLifted) else { return (nil, nil) }
                outcome = result
                defer {
                    self.continuation = nil
                    self.work = nil
                }
                return (self.continuation, self.work)
            }
            work?.cancel()
            continuation?.resume(with: result)
        }
    }
}

extension Result where Failure == any Error {
    /// The result of async work.
    init(catching work: () async throws -> Success) async {
        do {
            self = .success(try await work())
        } catch {
            self = .failure(error)
        }
    }
}
