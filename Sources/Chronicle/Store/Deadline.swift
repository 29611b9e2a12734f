import Foundation

/// Runs work that must answer within a time limit, and answers at the limit even when the work
/// does not: a request never waits longer than its deadline for a database that is gone.
///
/// The work runs in a task of its own. When the limit passes first, that task is cancelled (a
/// wait for a pooled connection ends at once) and left to finish by itself; its result is
/// dropped. The work may lift the limit once past its part that must be bounded (waiting for a
/// connection, say), with ``Handle/lift()``.
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
                race.start(
                    continuation,
                    work: Task { race.finish(with: await Swift.Result(catching: { try await work(handle) }).map { Optional($0) }) },
                    timer: Task {
                        try? await Task.sleep(for: limit)
                        if !Task.isCancelled { race.expire() }
                    })
            }
        } onCancel: {
            race.finish(with: .failure(CancellationError()))
        }
    }

    /// Whichever of the work, the timer and cancellation finishes first resumes the caller and
    /// cancels the others.
    private final class Race<Result: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var continuation: CheckedContinuation<Result?, any Error>?
        private var outcome: Swift.Result<Result?, any Error>?
        private var work: Task<Void, Never>?
        private var timer: Task<Void, Never>?
        private var isLifted = false

        func start(_ continuation: CheckedContinuation<Result?, any Error>, work: Task<Void, Never>, timer: Task<Void, Never>) {
            let (finished, isLifted) = lock.withLock { () -> (Swift.Result<Result?, any Error>?, Bool) in
                self.work = work
                self.timer = timer
                if outcome == nil { self.continuation = continuation }
                return (outcome, self.isLifted)
            }
            if let finished {
                work.cancel()
                timer.cancel()
                continuation.resume(with: finished)
            } else if isLifted {
                timer.cancel()
            }
        }

        /// The timer fired: unless the limit was lifted, the caller gets `nil`.
        func expire() {
            finish(with: .success(nil), unlessLifted: true)
        }

        func lift() {
            let timer = lock.withLock { () -> Task<Void, Never>? in
                isLifted = true
                return self.timer
            }
            timer?.cancel()
        }

        func finish(with result: Swift.Result<Result?, any Error>, unlessLifted: Bool = false) {
            let (continuation, tasks) = lock.withLock { () -> (CheckedContinuation<Result?, any Error>?, [Task<Void, Never>]) in
                guard outcome == nil, !(unlessLifted && isLifted) else { return (nil, []) }
                outcome = result
                defer { self.continuation = nil }
                return (self.continuation, [work, timer].compactMap { $0 })
            }
            for task in tasks { task.cancel() }
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
