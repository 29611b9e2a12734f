import Chronicle
import Foundation
import Testing

/// Which transactions the pipeline writes appends with work in, with a writer that only records
/// them (the stores' transactions and savepoints are checked by the conformance suites).
@Suite("Append pipeline")
struct AppendPipelineTests {
    /// The transactions the writer began, in order: the entities written in each.
    actor Transactions {
        var written: [[String]] = []
        func begin() -> Int {
            written.append([])
            return written.count - 1
        }
        func write(_ entity: String, in transaction: Int) { written[transaction].append(entity) }
    }

    /// A writer whose first transaction waits at a gate, so that the appends after it queue.
    struct RecordingWriter: AppendWriter {
        let transactions = Transactions()
        let gate = GroupCommitTests.Gate()

        func write(_ append: PreparedAppend) async throws -> AppendResult { GroupCommitTests.result(of: append) }

        func withTransaction<Result: Sendable>(
            sharingLocksOf locks: [String], reservingPositionsFor eventCount: Int,
            _ work: @escaping @Sendable (Int) async throws -> Result
        ) async throws -> Result {
            let transaction = await transactions.begin()
            if transaction == 0 { await gate.wait() }
            return try await work(transaction)
        }

        func write(_ append: PreparedAppend, in transaction: Int, applyingInlineProjections: Bool) async throws -> AppendResult {
            await transactions.write(append.stream.entityID, in: transaction)
            return GroupCommitTests.result(of: append)
        }

        func withSavepoint<Result: Sendable>(in transaction: Int, _ work: @escaping @Sendable () async throws -> Result) async throws -> Result {
            try await work()
        }

        func announceAppend() {}
    }

    /// How many of the appends have returned.
    actor Returned {
        var count = 0
        func add() { count += 1 }
    }

    /// Appends to `e0` with work, and to `e1`, `e2`, `e3` while `e0`'s transaction waits at the
    /// gate; opens the gate at once, or, when `waitingForTheOthers`, once those three have
    /// returned (at most 10 s later: the check fails rather than hangs).
    static func appendWithWork(groupingThem grouping: Bool, waitingForTheOthers: Bool = false) async throws -> [[String]] {
        let writer = RecordingWriter()
        let pipeline = AppendPipeline<RecordingWriter>(maximumGroups: 1, maximumEvents: 10, groupsAppendsWithWork: grouping)
        let returned = Returned()
        let append: @Sendable (String) async throws -> AppendResult = { entity in
            let result = try await pipeline.append(try GroupCommitTests.append(entity), sharingLocksOf: ["balances"], by: writer) { _, _ in }
            await returned.add()
            return result
        }
        let first = Task { try await append("e0") }
        await writer.gate.waitUntilEntered()
        var queued: [Task<AppendResult, any Error>] = []
        for entity in ["e1", "e2", "e3"] {
            queued.append(Task { try await append(entity) })
            try await Task.sleep(for: .milliseconds(20))  // arrival order
        }
        if waitingForTheOthers {
            for _ in 0..<200 where await returned.count < 3 { try await Task.sleep(for: .milliseconds(50)) }
            #expect(await returned.count == 3, "the appends after the first returned while it waited")
        }
        writer.gate.open()
        #expect(try await first.value.position == 0)
        for (offset, task) in queued.enumerated() {
            #expect(try await task.value.position == Int64(offset + 1) * 100, "each caller gets its own result")
        }
        return await writer.transactions.written
    }

    /// By default, appends with work that wait for a turn share one transaction.
    @Test
    func groupsAppendsWithWorkByDefault() async throws {
        #expect(try await Self.appendWithWork(groupingThem: true) == [["e0"], ["e1", "e2", "e3"]])
    }

    /// A driver that does not group them (PostgreSQL) gives each its own transaction at once:
    /// they commit while the first one still waits.
    @Test
    func writesEachAppendWithWorkAloneAtOnceWhenTheDriverSaysSo() async throws {
        #expect(try await Self.appendWithWork(groupingThem: false, waitingForTheOthers: true) == [["e0"], ["e1"], ["e2"], ["e3"]])
    }
}
