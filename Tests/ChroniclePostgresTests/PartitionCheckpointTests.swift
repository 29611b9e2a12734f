import Chronicle
import ChroniclePostgres
import Foundation
import Testing

@testable import ChronicleProjections

/// A partitioned reactor's checkpoints, on PostgreSQL, where two partitions' transactions commit
/// side by side.
@Suite(TestDatabase.available)
struct PartitionCheckpointTests {
    /// Partition 0 moves to 5 in a transaction held open while partition 1 moves to 7: the
    /// reactor's checkpoint ends at 5, the lowest. Without a turn on the reactor's row, each
    /// transaction counts the lowest without the other's move, and the reactor stays at 0.
    @Test func partitionsMovingAtOnceLeaveTheReactorAtTheLowest() async throws {
        try await TestDatabase.withStore { store in
            let now = Date()
            try await store.withWriteTransaction(locking: nil) { sql in
                try await Bookkeeping.insertReactor("mailer", at: 0, now: now, on: sql)
                try await Bookkeeping.startPartitions(of: .reactor("mailer"), partitions: 2, at: now, on: sql)
            }
            let (moved, moving) = AsyncStream<Void>.makeStream()
            let (letGo, release) = AsyncStream<Void>.makeStream()
            let first = Task {
                try await store.withWriteTransaction(locking: nil) { sql in
                    try await Bookkeeping.advance(.reactor("mailer"), partition: 0, to: 5, at: now, on: sql)
                    moving.yield()
                    for await _ in letGo { break }
                }
            }
            for await _ in moved { break }
            let second = Task {
                try await store.withWriteTransaction(locking: nil) { sql in
                    try await Bookkeeping.advance(.reactor("mailer"), partition: 1, to: 7, at: now, on: sql)
                }
            }
            // Time for the second transaction to count the lowest, or to queue for its turn.
            try await Task.sleep(for: .milliseconds(300))
            release.yield()
            try await first.value
            try await second.value
            let position = try await store.withReadConnection { sql in try await Bookkeeping.reactor("mailer", on: sql)?.position }
            #expect(position == 5)
        }
    }

    /// Two partitions start at once, the first in a transaction held open: the second waits its
    /// turn on the reactor's row, then finds the rows the first made. Without the turn, both
    /// insert the rows, and the second fails on the primary key.
    @Test func partitionsStartingAtOnceMakeTheRowsOnce() async throws {
        try await TestDatabase.withStore { store in
            let now = Date()
            try await store.withWriteTransaction(locking: nil) { sql in
                try await Bookkeeping.insertReactor("mailer", at: 3, now: now, on: sql)
            }
            let (started, starting) = AsyncStream<Void>.makeStream()
            let (letGo, release) = AsyncStream<Void>.makeStream()
            let first = Task {
                try await store.withWriteTransaction(locking: nil) { sql in
                    try await Bookkeeping.startPartitions(of: .reactor("mailer"), partitions: 4, at: now, on: sql)
                    starting.yield()
                    for await _ in letGo { break }
                }
            }
            for await _ in started { break }
            let second = Task {
                try await store.withWriteTransaction(locking: nil) { sql in
                    try await Bookkeeping.startPartitions(of: .reactor("mailer"), partitions: 4, at: now, on: sql)
                }
            }
            try await Task.sleep(for: .milliseconds(300))
            release.yield()
            try await first.value
            try await second.value
            let checkpoints = try await store.withReadConnection { sql in try await Bookkeeping.checkpoints(of: "mailer", on: sql) }
            #expect(checkpoints == [0: 3, 1: 3, 2: 3, 3: 3])
        }
    }

    /// A runner that recorded a failure at no event (the database's) and then goes past events
    /// without writing (a partition's, none of them its own) clears the failure once caught
    /// up: no write of its would, and its own events, if any, may be another partition's.
    @Test func aRunnerClearsItsFailureOnceCaughtUpThoughItWroteNothing() async throws {
        try await TestDatabase.withStore { store in
            let readSide = ReadSide(
                database: store, reactors: [Idle()], configuration: .init(pollInterval: .milliseconds(10), maximumRetryDelay: .milliseconds(20)))
            try await readSide.migrate()
            let steps = ScriptedSteps(store: store)
            let follow = Task { await readSide.follow(name: Idle.name, wakeup: Wakeup()) { _ in try await steps.next() } }
            defer { follow.cancel() }
            while await steps.count < 20 { try await Task.sleep(for: .milliseconds(10)) }
            let recorded = await steps.recorded
            #expect(recorded?.contains("went away") == true, "the failure was recorded: \(String(describing: recorded))")
            let lastError = try await store.withReadConnection { sql in try await Bookkeeping.reactor(Idle.name, on: sql)?.lastError }
            #expect(lastError == nil, "cleared once caught up: \(String(describing: lastError))")
        }
    }

    struct Noted: Event {
        static let eventType = "test.noted"
    }

    /// A reactor whose runner the test drives itself.
    struct Idle: Reactor {
        static let name = "idle"
        var handlers: EventHandlers<ReactionContext> { EventHandlers { On(Noted.self) { _, _ in } } }
    }

    /// The steps of a runner: the database fails, then a batch of others' events is gone past
    /// without a write, then the runner is caught up.
    actor ScriptedSteps {
        let store: PostgresEventStore
        private(set) var count = 0
        /// The failure recorded when the second step ran.
        private(set) var recorded: String?

        init(store: PostgresEventStore) {
            self.store = store
        }

        func next() async throws -> Int {
            count += 1
            switch count {
            case 1: throw EventStoreError.unavailable("the database went away")
            case 2:
                recorded = try await store.withReadConnection { sql in try await Bookkeeping.reactor(Idle.name, on: sql)?.lastError }
                return 5
            default: return 0
            }
        }
    }

    /// While a rebuild holds a partitioned projection's lock, its partitions' runners do not wait
    /// for it holding pooled connections: the rebuild, which reads the log on another connection
    /// meanwhile, gets one. (Waiting, the four partitions would hold or queue for every free
    /// connection of the pool of four, and the read would wait out the pool's timeout.)
    @Test func partitionsWaitingForARebuildLeaveItConnections() async throws {
        try await TestDatabase.withStore(maximumConnections: 4) { store in
            let readSide = ReadSide(database: store, async: [SplitNotes()], configuration: .init(pollInterval: .milliseconds(20)))
            try await readSide.migrate()
            for note in 0..<8 {
                try await store.append([Noted()], to: StreamName(entityType: "note", entityID: "n\(note)"), expected: .any)
            }
            let running = Task { try await readSide.run() }
            defer { running.cancel() }
            let read = try await store.withWriteTransaction(locking: SplitNotes.name) { _ in
                // The runners start, find their partitions' events, and try to write them.
                try await Task.sleep(for: .seconds(1))
                return try await store.readCommittedLog(after: 0, limit: 100).count
            }
            #expect(read == 8)
            let deadline = ContinuousClock.now + .seconds(30)
            var rows = 0
            while ContinuousClock.now < deadline {
                rows = try await store.withReadConnection { sql in
                    try await sql.raw("SELECT count(*) AS n FROM split_notes").first()?.decode(column: "n", as: Int.self) ?? 0
                }
                if rows == 8 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(rows == 8, "the partitions wrote their events once the lock was free")
        }
    }

    /// A row per note, in 4 partitions.
    struct SplitNotes: Projection {
        static let name = "split_notes"
        static let version = 1
        static let tables = [ProjectionTable("split_notes", ["CREATE TABLE {table} (id TEXT PRIMARY KEY)"])]
        static let ordering = EventOrdering.perEntity
        static let partitions = 4

        var handlers: EventHandlers<ProjectionContext> {
            EventHandlers {
                On(Noted.self) { _, row in
                    try await row.sql.raw("INSERT INTO \(ident: row.table("split_notes")) (id) VALUES (\(bind: row.event.stream.entityID))").run()
                }
            }
        }
    }
}
