import Chronicle
import ChronicleMigrations
import ChroniclePostgres
import ChronicleSQL
import Foundation
import SQLKit
import Testing

/// A log partitioned by position range: made for a new store only, partitions made ahead of the
/// head as it moves, and old ones detached for archiving with their ids kept taken. (The
/// conformance suites on the partitioned log check everything else.)
@Suite("PostgreSQL partitioned log", TestDatabase.available)
struct PostgresLogPartitionTests {
    static let partitions = LogPartitions(positionsPerPartition: 10, partitionsAhead: 2)

    static func event(_ id: UUID = UUID()) -> NewEvent {
        NewEvent(id: id, eventType: "test.happened", data: Data(#"{"n":1}"#.utf8))
    }

    @Test func partitionsAreMadeAheadOfTheHead() async throws {
        try await TestDatabase.withStore(logPartitions: Self.partitions) { store in
            #expect(try await Self.partitionedBelow(store) == 30, "migrate makes the partitions through two partitions ahead of 0")
            // One append at a time: after each, the store makes partitions ahead of the head by
            // itself, in the background (no append failed for want of one: they are all below 30
            // until the store made more).
            for number in 1...25 {
                let head = try await store.append([Self.event()], to: StreamName(entityType: "note", entityID: "n\(number % 25)"), expected: .any)
                    .events[0].position
                let below = try await Self.waitUntilPartitioned(store, beyond: head + Self.partitions.positionsPerPartition)
                #expect(below >= head + Self.partitions.positionsPerPartition, "partitions below \(below), head \(head)")
            }
            // A burst that may outrun them: an append that finds no partition makes them and
            // appends again.
            for entity in 0..<25 {
                for _ in 0..<3 {
                    try await store.append([Self.event()], to: StreamName(entityType: "note", entityID: "n\(entity)"), expected: .any)
                }
            }
            // (An append tried again leaves a gap in the positions: count the events.)
            let positions = try await store.readCommittedLog(after: 0, limit: 1_000).map(\.position)
            #expect(positions.count == 100)
            let used = try await store.withReadConnection { sql in
                try await sql.raw("SELECT count(DISTINCT tableoid)::bigint AS used FROM chronicle_events").first()?.decode(column: "used", as: Int64.self)
            }
            let partitions = Set(positions.map { $0 / Self.partitions.positionsPerPartition }).count
            #expect(used == Int64(partitions) && partitions >= 10, "positions 1–\(positions.last ?? 0) lie in \(partitions) partitions of 10: \(String(describing: used))")
            let versions = try await store.readStream(StreamName(entityType: "note", entityID: "n7")).map(\.version)
            #expect(versions == [1, 2, 3, 4], "an entity's events read across partitions, in order")
        }
    }

    /// Waits up to 30 s until the store has partitions below `position`; the first position
    /// without one.
    static func waitUntilPartitioned(_ store: PostgresEventStore, beyond position: Int64) async throws -> Int64 {
        let deadline = ContinuousClock.now + .seconds(30)
        var below = try await partitionedBelow(store) ?? 0
        while below < position, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
            below = try await partitionedBelow(store) ?? 0
        }
        return below
    }

    @Test func refusesToPartitionALogThatHoldsEvents() async throws {
        try await TestDatabase.withStore { store in
            try await store.append([Self.event()], to: StreamName(entityType: "note", entityID: "n1"), expected: .noEvents)
            let partitioned = PostgresEventStore(client: store.client, configuration: .init(logPartitions: Self.partitions))
            let error = await #expect(throws: MigrationError.self) { try await partitioned.migrate() }
            #expect(error.map { "\($0)" }?.contains("only a new store's log can be partitioned") == true, "\(String(describing: error))")
            #expect(try await store.readStream(StreamName(entityType: "note", entityID: "n1")).count == 1, "the log is as it was")
            try await store.append([Self.event()], to: StreamName(entityType: "note", entityID: "n1"), expected: .exactly(1))
        }
    }

    @Test func detachesOldPartitionsAndKeepsTheirIdsTaken() async throws {
        try await TestDatabase.withStore(logPartitions: Self.partitions) { store in
            var ids: [UUID] = []
            for entity in 0..<25 {
                let written = try await store.append([Self.event()], to: StreamName(entityType: "note", entityID: "n\(entity)"), expected: .noEvents)
                ids += written.events.map(\.id)
            }
            let detached = try await store.detachLogPartitions(below: 20)
            #expect(detached == ["chronicle_events_0000000000", "chronicle_events_0000000001"])
            #expect(try await store.readCommittedLog(after: 0, limit: 100).map(\.position) == Array(20...25), "the log reads on from 20")
            let archived = try await store.withReadConnection { sql in
                try await sql.raw("SELECT (SELECT count(*) FROM chronicle_events_0000000000) + (SELECT count(*) FROM chronicle_events_0000000001) AS rows")
                    .first()?.decode(column: "rows", as: Int64.self)
            }
            #expect(archived == 19, "positions 1–19 are in the detached tables, to archive")
            let reused = await #expect(throws: EventStoreError.self) {
                try await store.append([Self.event(ids[0])], to: StreamName(entityType: "note", entityID: "fresh"), expected: .noEvents)
            }
            #expect(reused?.code == .duplicateEventID, "an archived event's id stays taken: \(String(describing: reused))")
            #expect(try await store.detachLogPartitions(below: 20).isEmpty, "nothing more to detach")
        }
    }

    @Test func refusesToDetachFromASingleTable() async throws {
        try await TestDatabase.withStore { store in
            let error = await #expect(throws: EventStoreError.self) { try await store.detachLogPartitions(below: 100) }
            #expect(error?.code == .invalidInput && error?.message.contains("not partitioned") == true, "\(String(describing: error))")
        }
    }

    static func partitionedBelow(_ store: PostgresEventStore) async throws -> Int64? {
        try await store.withReadConnection { sql in
            try await sql.raw("SELECT partitioned_below FROM chronicle_log_partitioning").first()?.decode(column: "partitioned_below", as: Int64.self)
        }
    }
}
