import Chronicle
import Foundation
import Testing

/// The grouping of concurrent appends, with writers that only record what they are asked to
/// write (the stores' group statements are checked by the conformance suite).
@Suite("Group commit")
struct GroupCommitTests {
    /// What the writers were asked to write, in order: one entity id per append, by call.
    actor Calls {
        var alone: [String] = []
        var groups: [[String]] = []
        func wroteAlone(_ append: PreparedAppend) { alone.append(append.stream.entityID) }
        func wroteGroup(_ appends: [PreparedAppend]) { groups.append(appends.map(\.stream.entityID)) }
    }

    /// A gate the first writer waits at until the test opens it.
    final class Gate: Sendable {
        let opened = AsyncStream<Void>.makeStream()
        let entered = AsyncStream<Void>.makeStream()
        func wait() async {
            entered.continuation.yield()
            for await _ in opened.stream { return }
        }
        func open() { opened.continuation.finish() }
        func waitUntilEntered() async { for await _ in entered.stream { return } }
    }

    static func append(_ entity: String, events: Int = 1, expected: ExpectedVersion = .any) throws -> PreparedAppend {
        try PreparedAppend(
            (0..<events).map { _ in NewEvent(eventType: "test.happened", data: Data("{}".utf8)) },
            to: StreamName(entityType: "note", entityID: entity), expected: expected, limits: EventLimits(), now: Date())
    }

    /// The result a writer returns for an append: its events at versions 1, 2, … and positions
    /// made from the entity's number, so each caller can tell its own result.
    static func result(of append: PreparedAppend) -> AppendResult {
        let base = Int64(append.stream.entityID.dropFirst()) ?? 0
        return AppendResult(events: append.recordedEvents(after: 0, positions: append.entries.indices.map { base * 100 + Int64($0) }))
    }

    @Test func aLoneAppendIsWrittenAloneAtOnce() async throws {
        let commit = GroupCommit<PreparedAppend>(maximumGroups: 1, maximumEvents: 10)
        let calls = Calls()
        let result = try await commit.append(
            try Self.append("e1"),
            writeAlone: { append in await calls.wroteAlone(append); return Self.result(of: append) },
            writeGroup: { appends in await calls.wroteGroup(appends); return appends.map { .written(Self.result(of: $0)) } })
        #expect(result.position == 100)
        #expect(await calls.alone == ["e1"])
        #expect(await calls.groups.isEmpty)
    }

    /// While the one writing slot is busy, appends queue; they are then written as groups of
    /// different entities within the event limit, in arrival order, and each caller gets its
    /// own outcome: written, refused (then written alone) or failed.
    @Test func appendsThatWaitAreWrittenTogether() async throws {
        let commit = GroupCommit<PreparedAppend>(maximumGroups: 1, maximumEvents: 6)
        let calls = Calls()
        let gate = Gate()
        let writeAlone: @Sendable (PreparedAppend) async throws -> AppendResult = { append in
            await calls.wroteAlone(append)
            if append.stream.entityID == "e0" { await gate.wait() }
            return Self.result(of: append)
        }
        let writeGroup: @Sendable ([PreparedAppend]) async -> [AppendOutcome] = { appends in
            await calls.wroteGroup(appends)
            return appends.map { append in
                switch append.stream.entityID {
                case "e3": .refused
                case "e4": .failed(EventStoreError(code: .databaseFailure, message: "lost"))
                default: .written(Self.result(of: append))
                }
            }
        }
        let first = Task { try await commit.append(try Self.append("e0"), writeAlone: writeAlone, writeGroup: writeGroup) }
        await gate.waitUntilEntered()
        // Queued in this order: e1, e2, e1 again, e3, e4, e5 (3 events), e9 (7 events: over the limit).
        var queued: [(String, Task<AppendResult, any Error>)] = []
        for (entity, events) in [("e1", 1), ("e2", 1), ("e1", 1), ("e3", 1), ("e4", 1), ("e5", 3)] {
            let task = Task { try await commit.append(try Self.append(entity, events: events), writeAlone: writeAlone, writeGroup: writeGroup) }
            queued.append((entity, task))
            try await Task.sleep(for: .milliseconds(20))  // arrival order
        }
        let oversized = try await commit.append(try Self.append("e9", events: 7), writeAlone: writeAlone, writeGroup: writeGroup)
        #expect(oversized.events.count == 7, "an append over the group limit is written alone without waiting")
        gate.open()
        #expect(try await first.value.position == 0)
        var outcomes: [String] = []
        for (entity, task) in queued {
            do {
                let result = try await task.value
                outcomes.append("\(entity) at \(result.events[0].position)")
            } catch {
                outcomes.append("\(entity) failed")
            }
        }
        #expect(outcomes == ["e1 at 100", "e2 at 200", "e1 at 100", "e3 at 300", "e4 failed", "e5 at 500"])
        // e1's second append waits for the next group; e5 (3 events) does not fit beside
        // e1, e2, e3 and e4 (6 at most), so it goes with the second e1.
        #expect(await calls.groups == [["e1", "e2", "e3", "e4"], ["e1", "e5"]])
        #expect(await calls.alone == ["e0", "e9", "e3"], "the first append, the oversized one, the refused one")
    }

    /// The leader of a group writes for everyone: its cancellation stops neither the group nor
    /// the other members' results.
    @Test func aCancelledLeaderStillWritesItsGroup() async throws {
        let commit = GroupCommit<PreparedAppend>(maximumGroups: 1, maximumEvents: 10)
        let gate = Gate()
        let writeAlone: @Sendable (PreparedAppend) async throws -> AppendResult = { append in
            if append.stream.entityID == "e0" { await gate.wait() }
            return Self.result(of: append)
        }
        let writeGroup: @Sendable ([PreparedAppend]) async -> [AppendOutcome] = { appends in
            guard !Task.isCancelled else { return appends.map { _ in .failed(CancellationError()) } }
            return appends.map { .written(Self.result(of: $0)) }
        }
        let first = Task { try await commit.append(try Self.append("e0"), writeAlone: writeAlone, writeGroup: writeGroup) }
        await gate.waitUntilEntered()
        let leader = Task { try await commit.append(try Self.append("e1"), writeAlone: writeAlone, writeGroup: writeGroup) }
        try await Task.sleep(for: .milliseconds(20))
        let member = Task { try await commit.append(try Self.append("e2"), writeAlone: writeAlone, writeGroup: writeGroup) }
        try await Task.sleep(for: .milliseconds(20))
        leader.cancel()
        gate.open()
        _ = try await first.value
        #expect(try await leader.value.position == 100)
        #expect(try await member.value.position == 200)
    }
}
