import Chronicle
import ChronicleSQL
@testable import ChronicleSQLite
import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteNIO
import Testing

/// Writes that wait for another process's lock on their file sleep in SQLite's busy handler;
/// they hold up no reads meanwhile, neither their own store's nor any other store's of the
/// process.
@Suite("SQLite lock waits")
struct SQLiteLockWaitTests {
    static let stream = StreamName(entityType: "note", entityID: "n1")

    static func event() -> NewEvent {
        NewEvent(eventType: "test.happened", data: Data(#"{"text":"x"}"#.utf8))
    }

    /// One store more than the threads NIO's shared pool has waits on a lock held elsewhere;
    /// reads of each, and a write to another file, answer before any of those waits ends.
    @Test func writesWaitingForAnotherProcessesLockHoldUpNoReads() async throws {
        try await withTemporaryDirectory { directory in
            let outsideThread = NIOThreadPool(numberOfThreads: 1)
            outsideThread.start()
            var stores: [SQLiteEventStore] = []
            var holders: [SQLiteConnection] = []
            func closeAll() async {
                for holder in holders {
                    _ = try? await holder.query("ROLLBACK")
                    try? await holder.close()
                }
                for store in stores { try? await store.close() }
                try? await outsideThread.shutdownGracefully()
            }
            do {
                for index in 0...NIOSingletons.blockingPoolThreadCountSuggestion {
                    let path = directory.appendingPathComponent("locked-\(index).sqlite").path
                    let store = try await SQLiteEventStore(configuration: .init(path: path, busyTimeout: .seconds(3)))
                    stores.append(store)
                    try await store.append([Self.event()], to: Self.stream, expected: .noEvents)
                    // Another process's connection, on a thread of its own, holds the file's write lock.
                    let holder = try await SQLiteConnection.open(
                        storage: .file(path: path), threadPool: outsideThread, logger: Logger(label: "outside"),
                        on: MultiThreadedEventLoopGroup.singleton.any()
                    ).get()
                    holders.append(holder)
                    _ = try await holder.query("BEGIN EXCLUSIVE")
                }
                let locked = stores
                let free = try await SQLiteEventStore(path: directory.appendingPathComponent("free.sqlite").path)
                stores.append(free)
                let ended = EndedWrites()
                let waitingWrites = Task {
                    await withTaskGroup(of: Void.self) { group in
                        for store in locked {
                            group.addTask {
                                _ = try? await store.append([Self.event()], to: Self.stream, expected: .any)
                                await ended.count()
                            }
                        }
                    }
                }
                // Let the writes reach SQLite's busy handler, where each sleeps up to 3 s.
                try await Task.sleep(for: .milliseconds(500))
                let written = try await free.append([Self.event()], to: Self.stream, expected: .noEvents)
                #expect(written.position == 1, "a write to another file")
                for store in locked {
                    #expect(try await store.readStream(Self.stream).count == 1, "a read of a store whose write waits")
                }
                #expect(await ended.total == 0, "every read and the other write answered while the waiting writes still waited")
                for holder in holders { _ = try await holder.query("ROLLBACK") }
                await waitingWrites.value
                #expect(await ended.total == locked.count)
            } catch {
                await closeAll()
                throw error
            }
            await closeAll()
        }
    }

    /// The read side's lease statements wait for the transaction holding the writer only, not
    /// for the transactions queued behind it: a heartbeat behind every runner's next batch
    /// would outlast the lease on a busy machine.
    @Test func leaseStatementsGoAheadOfTheQueuedTransactions() async throws {
        try await withTemporaryDirectory { directory in
            let store = try await SQLiteEventStore(path: directory.appendingPathComponent("queue.sqlite").path)
            do {
                try await store.withWriteTransaction(locking: nil) { sql in try await sql.raw("CREATE TABLE turns (what TEXT NOT NULL)").run() }
                let (entered, enter) = AsyncStream<Void>.makeStream()
                let (opened, open) = AsyncStream<Void>.makeStream()
                let holder = Task {
                    try await store.withWriteTransaction(locking: nil) { sql in
                        enter.yield()
                        for await _ in opened { break }
                        try await sql.raw("INSERT INTO turns (what) VALUES ('holder')").run()
                    }
                }
                for await _ in entered { break }
                var writes: [Task<Void, any Error>] = []
                for batch in 0..<3 {
                    writes.append(Task {
                        try await store.withWriteTransaction(locking: nil) { sql in
                            try await sql.raw("INSERT INTO turns (what) VALUES (\(bind: "batch \(batch)"))").run()
                        }
                    })
                    try await Self.waitUntil(store, hasWaiting: batch + 1)
                }
                writes.append(Task {
                    try await store.withAutocommitWrites { sql in try await sql.raw("INSERT INTO turns (what) VALUES ('lease')").run() }
                })
                try await Self.waitUntil(store, hasWaiting: 4)
                open.yield()
                try await holder.value
                for write in writes { try await write.value }
                let turns = try await store.withReadConnection { sql in
                    try await sql.raw("SELECT what FROM turns ORDER BY rowid").all().map { try $0.decode(column: "what", as: String.self) }
                }
                #expect(turns == ["holder", "lease", "batch 0", "batch 1", "batch 2"], "the lease's statement went second: \(turns)")
            } catch {
                try? await store.close()
                throw error
            }
            try await store.close()
        }
    }

    /// Waits until `count` tasks wait for the store's writer.
    static func waitUntil(_ store: SQLiteEventStore, hasWaiting count: Int) async throws {
        for _ in 0..<3_000 where await store.writeLock.waiting < count {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(await store.writeLock.waiting == count, "\(count) wait for the writer")
    }
}

/// Counts the writes that have ended, however they ended.
private actor EndedWrites {
    private(set) var total = 0

    func count() {
        total += 1
    }
}
