@testable import Chronicle
import Foundation
import Testing

/// Deadlines answer at their limit whatever the work does, and only then: with many pending
/// limits of different lengths kept by the one timer, each run gets its own.
@Suite("Deadline")
struct DeadlineTests {
    /// Work that never answers until told to.
    actor Gate {
        private var waiters: [CheckedContinuation<Void, Never>] = []
        private var isOpen = false
        func wait() async {
            guard !isOpen else { return }
            await withCheckedContinuation { waiters.append($0) }
        }
        func open() {
            isOpen = true
            waiters.forEach { $0.resume() }
            waiters = []
        }
    }

    @Test
    func workThatAnswersInTimeGivesItsResult() async throws {
        let result = try await Deadline.run(within: .seconds(30)) { _ in 42 }
        #expect(result == 42)
        await #expect(throws: CancellationError.self) {
            _ = try await Deadline.run(within: .seconds(30)) { _ -> Int in throw CancellationError() }
        }
    }

    @Test
    func workThatHangsIsAnsweredAtTheLimitAndCancelled() async throws {
        let gate = Gate()
        let cancelled = Gate()
        let result = try await Deadline.run(within: .milliseconds(50)) { _ -> Int in
            await withTaskCancellationHandler {
                await gate.wait()
            } onCancel: {
                Task { await cancelled.open() }
            }
            return 1
        }
        #expect(result == nil)
        await cancelled.wait()  // the work was cancelled (this test hangs, and times out, otherwise)
        await gate.open()
    }

    @Test
    func aLiftedLimitLetsTheWorkFinish() async throws {
        let result = try await Deadline.run(within: .seconds(1)) { handle -> Int in
            handle.lift()
            try await Task.sleep(for: .seconds(2))
            return 7
        }
        #expect(result == 7)
    }

    /// The limit counts from when the work starts: work that waits for a busy cooperative pool
    /// longer than its limit, then answers at once, gives its result.
    ///
    /// Every thread of the pool (one per core) is held by a task that blocks for 1.5 s; the
    /// blockers are queued before the work's task, at its priority, so they all run first. The
    /// run's limit is 0.5 s: counted from the call, it passes while the work's task waits, and
    /// the result is `nil`.
    @Test
    func theLimitCountsFromWhenTheWorkStarts() async throws {
        let priority = Task.currentPriority
        let blockers = (0..<ProcessInfo.processInfo.activeProcessorCount).map { _ in
            Task.detached(priority: priority) { _ = usleep(1_500_000) }  // blocks its thread
        }
        let result = try await Deadline.run(within: .milliseconds(500)) { _ in 42 }
        for blocker in blockers { await blocker.value }
        #expect(result == 42)
    }

    /// Short limits added after long ones still expire first, and long ones do not expire early.
    @Test
    func eachRunGetsItsOwnLimitAmongMany() async throws {
        let gate = Gate()
        let results = try await withThrowingTaskGroup(of: (Int, Int?).self) { group in
            for index in 0..<40 {
                group.addTask {
                    // Long limits first in each pair, so that short ones arrive behind them.
                    let limit: Duration = index % 2 == 0 ? .seconds(10) : .milliseconds(30 + index)
                    let result = try await Deadline.run(within: limit) { _ -> Int in
                        await gate.wait()
                        return index
                    }
                    return (index, result)
                }
            }
            var results: [Int: Int?] = [:]
            for try await (index, result) in group {
                results[index] = result
                if results.count == 20 { await gate.open() }  // every short limit has expired
            }
            return results
        }
        for index in 0..<40 {
            #expect(results[index] == (index % 2 == 0 ? index : nil), "run \(index)")
        }
    }

    /// A limit that a test settles and expires by hand.
    final class TestEntry: DeadlineTimer.Entry, @unchecked Sendable {
        private let lock = NSLock()
        private var settled: Bool
        private var expired = false
        init(settled: Bool) { self.settled = settled }
        var isSettled: Bool { lock.withLock { settled } }
        var wasExpired: Bool { lock.withLock { expired } }
        func expire() { lock.withLock { expired = true } }
    }

    /// A run that takes long keeps the settled limits behind it from the heap's top; they are
    /// swept out all the same.
    @Test
    func settledLimitsDoNotPileUpBehindALongRun() {
        let timer = DeadlineTimer()
        let long = TestEntry(settled: false)
        timer.add(long, at: .now + .seconds(60))
        for _ in 0..<2_000 {
            timer.add(TestEntry(settled: true), at: .now + .seconds(120))
        }
        #expect(timer.pendingCount < 64, "\(timer.pendingCount) limits pending")
        #expect(!long.wasExpired)
    }
}
