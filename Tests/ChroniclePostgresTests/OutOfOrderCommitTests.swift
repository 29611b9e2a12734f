import Chronicle
import ChroniclePostgres
import Foundation
import Logging
import PostgresNIO
import Testing

/// Invariant 3: a follower of the log never skips an event, even when a transaction holding a
/// lower position commits after one holding a higher position.
@Suite("Global order under concurrent writers", TestDatabase.available)
struct OutOfOrderCommitTests {
    struct RolledBack: Error {}

    /// Set once the writers are done.
    actor Flag {
        private(set) var isSet = false
        func set() { isSet = true }
    }

    @Test func followerNeverSkipsEventsCommittedOutOfOrder() async throws {
        let writers = 12
        let transactionsPerWriter = 40
        try await TestDatabase.withStore(maximumConnections: writers + 4) { store in
            let writersDone = Flag()
            async let followed = Self.follow(until: writersDone) { cursor in
                try await store.readLog(after: cursor, limit: 25).map(\.position)
            } head: {
                try await store.headPosition()
            }
            // The same follower without the store's guard: it reads whatever is committed.
            async let naive = Self.follow(until: writersDone) { cursor in
                try await Self.committedPositions(after: cursor, client: store.client)
            } head: {
                try await store.headPosition()
            }

            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        for number in 0..<transactionsPerWriter {
                            let rollsBack = number % 10 == 7
                            let events = (0..<Int.random(in: 1...3)).map { _ in
                                NewEvent(eventType: "stress.happened", data: Data(#"{"writer":\#(writer)}"#.utf8))
                            }
                            do {
                                _ = try await store.append(
                                    events, to: StreamName(entityType: "stress", entityID: "w\(writer)-\(number % 4)"),
                                    expected: .any, sharingLocksOf: []
                                ) { _, _ in
                                    // Hold the positions while other writers take and commit higher ones.
                                    try await Task.sleep(for: .microseconds(Int.random(in: 0...15_000)))
                                    if rollsBack { throw RolledBack() }
                                }
                            } catch is RolledBack {}
                        }
                    }
                }
                try await group.waitForAll()
            }
            await writersDone.set()

            let seen = try await followed
            let seenByNaive = try await naive
            let stored = try await Self.committedPositions(after: 0, client: store.client)
            let committedTransactions = writers * transactionsPerWriter * 9 / 10

            #expect(stored.count >= committedTransactions, "every committed append is stored")
            #expect(seen == stored, "the follower saw every stored position once, in order")
            #expect(zip(seen, seen.dropFirst()).allSatisfy { $0 < $1 })
            #expect(
                Set(stored).subtracting(seenByNaive).count > 0,
                "the run produced out-of-order commits: a follower without the guard skipped events")
        }
    }

    /// Follows the log from the start until the writers are done and the head is reached.
    static func follow(
        until writersDone: Flag,
        read: @Sendable (Int64) async throws -> [Int64],
        head: @Sendable () async throws -> Int64
    ) async throws -> [Int64] {
        var seen: [Int64] = []
        var cursor: Int64 = 0
        while true {
            let batch = try await read(cursor)
            if let last = batch.last {
                seen += batch
                cursor = last
                continue
            }
            if await writersDone.isSet, try await cursor >= head() {
                return seen
            }
            try await Task.sleep(for: .microseconds(500))
        }
    }

    /// Positions of committed events above `cursor`, without the transaction-id guard.
    static func committedPositions(after cursor: Int64, client: PostgresClient) async throws -> [Int64] {
        try await client.withConnection { connection in
            var positions: [Int64] = []
            let rows = try await connection.query(
                "SELECT position FROM chronicle_events WHERE position > \(cursor) ORDER BY position LIMIT 1000",
                logger: Logger(label: "stress"))
            for try await position in rows.decode(Int64.self) {
                positions.append(position)
            }
            return positions
        }
    }
}
