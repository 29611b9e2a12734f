import Chronicle
import ChroniclePostgres
import Foundation
import Testing

@testable import ChronicleProjections

/// A partitioned reactor's checkpoint, on PostgreSQL, where two partitions' transactions commit
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
                try await Bookkeeping.startPartitions(reactor: "mailer", partitions: 2, at: now, on: sql)
            }
            let (moved, moving) = AsyncStream<Void>.makeStream()
            let (letGo, release) = AsyncStream<Void>.makeStream()
            let first = Task {
                try await store.withWriteTransaction(locking: nil) { sql in
                    try await Bookkeeping.advance(reactor: "mailer", partition: 0, to: 5, at: now, on: sql)
                    moving.yield()
                    for await _ in letGo { break }
                }
            }
            for await _ in moved { break }
            let second = Task {
                try await store.withWriteTransaction(locking: nil) { sql in
                    try await Bookkeeping.advance(reactor: "mailer", partition: 1, to: 7, at: now, on: sql)
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
}
