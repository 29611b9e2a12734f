import Chronicle
import ChroniclePostgres
import ChronicleProjections
import Foundation
import Logging
import PostgresNIO
import SQLKit
import Testing

/// Appends that arrive while others are written commit together (see `GroupCommit`), except
/// those through inline projections; these tests look at the rows to show that they do, and at
/// a group that loses a race.
@Suite("PostgreSQL group commit", TestDatabase.available)
struct PostgresGroupCommitTests {
    let logger = Logger(label: "chronicle.tests")

    static func event(_ text: String) -> NewEvent {
        NewEvent(eventType: "test.happened", data: Data(#"{"text":"\#(text)"}"#.utf8))
    }

    /// The transaction ids and positions of the log, in position order.
    static func transactions(of store: PostgresEventStore) async throws -> [(transaction: String, position: Int64)] {
        try await store.client.withConnection { connection in
            var rows: [(String, Int64)] = []
            for try await row in try await connection.query(
                "SELECT transaction_id::text, position FROM chronicle_events ORDER BY position", logger: Logger(label: "chronicle.tests"))
                .decode((String, Int64).self)
            {
                rows.append(row)
            }
            return rows
        }
    }

    /// 100 appends at once to different entities share transactions, and each transaction's
    /// events hold consecutive positions (the order readers rely on).
    @Test func concurrentAppendsCommitTogether() async throws {
        try await TestDatabase.withStore(appendGroups: 2) { store in
            let appends = 100
            try await withThrowingDiscardingTaskGroup { group in
                for number in 0..<appends {
                    group.addTask {
                        let events = (0...(number % 2)).map { Self.event("\(number).\($0)") }
                        try await store.append(events, to: StreamName(entityType: "note", entityID: "n\(number)"), expected: .noEvents)
                    }
                }
            }
            let rows = try await Self.transactions(of: store)
            #expect(rows.count == 150)
            let transactions = Dictionary(grouping: rows, by: \.transaction)
            #expect(transactions.count < appends, "some appends shared a transaction: \(transactions.count) for \(appends)")
            for (transaction, members) in transactions {
                let positions = members.map(\.position).sorted()
                #expect(positions == Array(positions[0]...(positions[0] + Int64(positions.count) - 1)), "transaction \(transaction)")
            }
        }
    }

    /// Appends through inline projections made at the same time are not grouped: each has a
    /// transaction of its own (PostgreSQL flushes their commits together itself), with its
    /// projection's row written at its own position.
    @Test func concurrentInlineAppendsCommitEachInItsOwnTransaction() async throws {
        try await TestDatabase.withStore(appendGroups: 1) { store in
            let readSide = ReadSide(database: store, inline: [PostgresRebuildTests.Tally()])
            try await readSide.migrate()
            let appends = 60
            try await withThrowingDiscardingTaskGroup { group in
                for number in 0..<appends {
                    group.addTask {
                        try await readSide.eventStore.append(
                            [PostgresRebuildTests.Tallied()], to: StreamName(entityType: "note", entityID: "n\(number)"), expected: .noEvents)
                    }
                }
            }
            let rows = try await Self.transactions(of: store)
            #expect(rows.count == appends)
            let transactions = Set(rows.map(\.transaction))
            #expect(transactions.count == appends, "no inline appends shared a transaction: \(transactions.count) for \(appends)")
            let tallied = try await store.withReadConnection { sql in
                try await sql.raw("SELECT position FROM tally ORDER BY position").all().map { try $0.decode(column: "position", as: Int64.self) }
            }
            #expect(tallied == rows.map(\.position), "every event has its row")
        }
    }

    /// The work of one append, failing.
    struct Unlucky: Error {}

    /// A pipeline that groups appends with work (as SQLite's does) works on PostgreSQL too: a
    /// group's first append reserves the positions of all, each member runs in a savepoint, and
    /// a member whose work fails is rolled back alone.
    @Test func groupedAppendsWithWorkShareATransactionAndItsPositions() async throws {
        try await TestDatabase.withStore { store in
            let pipeline = AppendPipeline<PostgresEventStore>(maximumGroups: 1, maximumEvents: 100, groupsAppendsWithWork: true)
            let appends = 40
            let failed = try await withThrowingTaskGroup(of: Int?.self) { group in
                for number in 0..<appends {
                    group.addTask {
                        let append = try PreparedAppend(
                            [Self.event("\(number)")], to: StreamName(entityType: "note", entityID: "n\(number)"), expected: .noEvents,
                            limits: EventLimits(), now: Date())
                        do {
                            _ = try await pipeline.append(append, sharingLocksOf: [], by: store) { _, _ in
                                if number == 13 { throw Unlucky() }
                            }
                            return nil
                        } catch is Unlucky {
                            return number
                        }
                    }
                }
                return try await group.reduce(into: [Int]()) { failed, number in if let number { failed.append(number) } }
            }
            #expect(failed == [13], "only the append whose work fails fails")
            let log = try await store.readCommittedLog(after: 0, limit: 100)
            #expect(log.map(\.stream.entityID).sorted() == (0..<appends).filter { $0 != 13 }.map { "n\($0)" }.sorted())
            let rows = try await Self.transactions(of: store)
            #expect(Set(rows.map(\.transaction)).count < rows.count, "some appends shared a transaction")
        }
    }

    /// A group whose statement collides with a transaction outside the store (the unique index
    /// on `(entity_id, version)`) writes nothing, and each of its appends is then written alone:
    /// the one that lost the race fails with the version that won, the others are written once.
    @Test func aGroupThatLosesARaceIsWrittenAppendByAppend() async throws {
        try await TestDatabase.withStore(maximumConnections: 6, appendGroups: 1) { store in
            try await store.client.withConnection { blocking in
                try await store.client.withConnection { racing in
                    // Two uncommitted rows outside the store: version 1 of `blocker` and of `raced`.
                    for (connection, entity) in [(blocking, "blocker"), (racing, "raced")] {
                        try await connection.query("BEGIN", logger: logger)
                        try await connection.query(
                            """
                            INSERT INTO chronicle_events (position, transaction_id, event_id, entity_type, entity_id, version,
                                                event_type, schema_version, meta, data, created_at)
                            VALUES (nextval('chronicle_events_position_seq'), pg_current_xact_id(), gen_random_uuid(), 'note',
                                    \(entity), 1, 'test.happened', 1, '{}', '{}', now())
                            """, logger: logger)
                    }
                    // The store's one writing slot waits on `blocker`'s row; meanwhile 20 appends queue.
                    let blocked = Task { try await store.append([Self.event("blocked")], to: StreamName(entityType: "note", entityID: "blocker"), expected: .any) }
                    try await Task.sleep(for: .milliseconds(200))
                    let raced = Task { try await store.append([Self.event("raced")], to: StreamName(entityType: "note", entityID: "raced"), expected: .noEvents) }
                    let others = (0..<20).map { number in
                        Task { try await store.append([Self.event("\(number)")], to: StreamName(entityType: "note", entityID: "other\(number)"), expected: .noEvents) }
                    }
                    try await Task.sleep(for: .milliseconds(200))
                    // `blocker` commits: its append is tried again at version 2 and the queued
                    // appends are written as one group, which reads `raced` at version 0 and
                    // waits on its row. `raced` commits: the group fails on the unique index.
                    try await blocking.query("COMMIT", logger: logger)
                    #expect(try await blocked.value.version == 2)
                    try await Task.sleep(for: .milliseconds(300))
                    try await racing.query("COMMIT", logger: logger)

                    let error = await #expect(throws: EventStoreError.self) { try await raced.value }
                    #expect(error?.code == .wrongExpectedVersion)
                    #expect(error?.actualVersion == 1)
                    for task in others {
                        #expect(try await task.value.version == 1)
                    }
                }
            }
            let rows = try await Self.transactions(of: store)
            #expect(rows.count == 2 + 1 + 20, "the outside rows, the blocked append, each other append once")
            let raced = try await store.readStream(StreamName(entityType: "note", entityID: "raced"))
            #expect(raced.count == 1)
        }
    }
}
