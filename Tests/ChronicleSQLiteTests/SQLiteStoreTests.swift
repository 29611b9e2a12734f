import Chronicle
import ChronicleMigrations
import ChronicleSQL
import ChronicleSQLite
import Foundation
import SQLKit
import SQLiteNIO
import Testing

@Suite("SQLite store")
struct SQLiteStoreTests {
    static func event(_ text: String = "x") -> NewEvent {
        NewEvent(eventType: "test.happened", data: Data(#"{"text":"\#(text)"}"#.utf8))
    }

    static func withStore<Result>(
        at path: String, migrates: Bool = true, _ body: (SQLiteEventStore) async throws -> Result
    ) async throws -> Result {
        let store = try await SQLiteEventStore(configuration: .init(path: path, migratesOnOpen: migrates))
        do {
            let result = try await body(store)
            try await store.close()
            return result
        } catch {
            try await store.close()
            throw error
        }
    }

    @Test func defaultsToChronicleSQLiteInTheWorkingDirectory() {
        #expect(SQLiteEventStore.Configuration().path == "chronicle.sqlite")
        #expect(SQLiteEventStore.Configuration().synchronousCommit, "durable commits by default")
    }

    @Test func usesTheWriteAheadLog() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("wal.sqlite").path
            try await Self.withStore(at: path) { _ in }
            let connection: SQLiteConnection = try await SQLiteConnection.open(storage: .file(path: path))
            let mode = try await connection.query("PRAGMA journal_mode").first?.column("journal_mode")?.string
            try await connection.close()
            #expect(mode == "wal")
        }
    }

    @Test func keepsEventsAcrossReopening() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("events.sqlite").path
            let stream = StreamName(entityType: "meeting", entityID: "kept")
            let appended = try await Self.withStore(at: path) { store in
                try await store.append([Self.event("a"), Self.event("b")], to: stream, expected: .noEvents)
            }
            try await Self.withStore(at: path) { store in
                let events = try await store.readStream(stream)
                let migrated = try await store.migrate()
                #expect(events == appended.events)
                #expect(migrated.isEmpty, "reopening does not migrate again")
                #expect(try await store.appliedMigrations().map(\.version) == MigrationSet.storeSchema(bundledAs: "sqlite").migrations.map(\.version))
            }
        }
    }

    /// A URL that no given driver opens is refused by its scheme, without repeating the rest,
    /// which may hold a password.
    @Test func refusesAURLNoDriverOpensWithoutRepeatingIt() async throws {
        let error = await #expect(throws: EventStoreError.self) {
            try await StoreDriver.open("postgres://app:hunter2@db.internal/app", among: [.sqlite])
        }
        #expect(error?.code == .invalidInput)
        #expect(error?.message.contains("postgres:") == true && error?.message.contains("sqlite") == true, "\(String(describing: error))")
        #expect(error?.message.contains("hunter2") == false, "\(String(describing: error))")
    }

    /// A store let go without `close()`, as when an error is thrown before it, closes its
    /// connections itself: SQLiteNIO stops a debug build on a connection that is never closed.
    @Test func aStoreLetGoWithoutClosingClosesItself() async throws {
        struct Failure: Error {}
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("events.sqlite").path
            let stream = StreamName(entityType: "meeting", entityID: "dropped")
            await #expect(throws: Failure.self) {
                let store = try await SQLiteEventStore(path: path)
                try await store.append([Self.event()], to: stream, expected: .noEvents)
                throw Failure()
            }
            try await Task.sleep(for: .milliseconds(200))
            try await Self.withStore(at: path) { store in
                let kept = try await store.readStream(stream).count
                #expect(kept == 1, "what was appended before the error is kept")
            }
        }
    }

    @Test func refusesToOpenWhenAnAppliedMigrationWasEdited() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("edited.sqlite").path
            try await Self.withStore(at: path) { _ in }
            let connection: SQLiteConnection = try await SQLiteConnection.open(storage: .file(path: path))
            _ = try await connection.query("UPDATE chronicle_schema_migrations SET checksum = '0000000000000000'")
            try await connection.close()
            let error = await #expect(throws: MigrationError.self) { try await Self.withStore(at: path) { _ in } }
            #expect(error?.message.contains("was edited after it was applied") == true)
        }
    }

    @Test func aFailingMigrationLeavesNothingBehind() async throws {
        try await withTemporaryDirectory { directory in
            try await Self.withStore(at: directory.appendingPathComponent("broken.sqlite").path) { store in
                let broken = MigrationSet(scope: "app", migrations: [
                    Migration(version: 1, name: "fine", sql: "CREATE TABLE fine (id INTEGER);"),
                    Migration(version: 2, name: "broken", sql: "CREATE TABLE half (id INTEGER); SELECT no_such_function();"),
                ])
                let error = await #expect(throws: MigrationError.self) { try await store.migrate(broken) }
                #expect(error?.message.contains("Migration 2 (broken) of app failed") == true)
                let recorded = try await store.appliedMigrations()
                let retried = try await store.migrate(broken.prefix(1))
                #expect(Set(recorded.map(\.scope)) == ["chronicle"], "nothing of the failed run is recorded")
                #expect(retried.map(\.name) == ["fine"], "the table of the failed run was rolled back")
            }
        }
    }

    @Test func explainsAMissingSchema() async throws {
        try await withTemporaryDirectory { directory in
            try await Self.withStore(at: directory.appendingPathComponent("bare.sqlite").path, migrates: false) { store in
                let stream = StreamName(entityType: "meeting", entityID: "early")
                let append = await #expect(throws: EventStoreError.self) { try await store.append([Self.event()], to: stream, expected: .any) }
                #expect(append?.code == .notMigrated)
                #expect(append?.message.contains("Migrate it first") == true, "\(String(describing: append))")
                let read = await #expect(throws: EventStoreError.self) { try await store.headPosition() }
                #expect(read?.code == .notMigrated)
            }
        }
    }

    @Test func refusesAPathThatCannotBeOpened() async throws {
        let path = "/nonexistent-directory/\(UUID().uuidString)/events.sqlite"
        let error = await #expect(throws: EventStoreError.self) { _ = try await SQLiteEventStore(path: path) }
        #expect(error?.code == .databaseFailure)
        #expect(error?.message.contains(path) == true, "\(String(describing: error))")
    }

    /// Appends beyond one statement's parameter limit are split into statements inside one
    /// transaction, and stay all or nothing.
    @Test func appendsThousandsOfEventsAtOnce() async throws {
        try await withTemporaryDirectory { directory in
            try await Self.withStore(at: directory.appendingPathComponent("big.sqlite").path) { store in
                let stream = StreamName(entityType: "meeting", entityID: "big")
                let stored = Self.event("stored")
                try await store.append([stored], to: StreamName(entityType: "meeting", entityID: "other"), expected: .noEvents)
                var clash = Self.event("clash")
                clash.id = stored.id
                let failing = (0..<1_200).map { Self.event("\($0)") } + [clash]
                let error = await #expect(throws: EventStoreError.self) {
                    try await store.append(failing, to: stream, expected: .noEvents)
                }
                #expect(error?.code == .duplicateEventID)
                #expect(try await store.readStream(stream).isEmpty, "the first 1,200 events were rolled back")

                let result = try await store.append(Array(failing.dropLast()), to: stream, expected: .noEvents)
                #expect(result.events.map(\.version) == Array(1...1_200))
                #expect(try await store.readStream(stream) == result.events)
            }
        }
    }

    /// A write transaction whose task is cancelled while it waits for the writer (a readiness
    /// check past its deadline, a request whose client went away) leaves the queue at once and
    /// writes nothing, instead of writing later for nobody and holding up the writes behind it.
    @Test func aWriteCancelledWhileWaitingForTheWriterLeavesAtOnceAndWritesNothing() async throws {
        try await withTemporaryDirectory { directory in
            try await Self.withStore(at: directory.appendingPathComponent("events.sqlite").path) { store in
                try await store.withWriteTransaction(locking: nil) { sql in try await sql.raw("CREATE TABLE marks (n INTEGER)").run() }
                let (held, holding) = AsyncStream<Void>.makeStream()
                let (letGo, release) = AsyncStream<Void>.makeStream()
                let holder = Task {
                    try await store.withWriteTransaction(locking: nil) { sql in
                        try await sql.raw("INSERT INTO marks VALUES (1)").run()
                        holding.yield()
                        for await _ in letGo { break }
                    }
                }
                for await _ in held { break }
                let waiter = Task {
                    try await store.withWriteTransaction(locking: nil) { sql in try await sql.raw("INSERT INTO marks VALUES (2)").run() }
                }
                try await Task.sleep(for: .milliseconds(200))
                waiter.cancel()
                // The holder still holds the writer: only leaving the queue ends the wait now
                // (else it ends in the writer timeout's error, 5 s on).
                let outcome = await waiter.result
                #expect(throws: CancellationError.self, "\(outcome)") { try outcome.get() }
                release.yield()
                try await holder.value
                try await store.withWriteTransaction(locking: nil) { sql in try await sql.raw("INSERT INTO marks VALUES (3)").run() }
                let marks = try await store.withReadConnection { sql in
                    try await sql.raw("SELECT n FROM marks ORDER BY n").all().map { try $0.decode(column: "n", as: Int.self) }
                }
                #expect(marks == [1, 3], "the cancelled write wrote nothing, and the writer serves on")
            }
        }
    }

    /// Another process appending to the same file is kept apart by SQLite's locks and the
    /// unique (entity_id, version) index: a lost race is a conflict, never a lost event.
    @Test func twoProcessesOnOneFileNeverLoseEvents() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("shared.sqlite").path
            let first = try await SQLiteEventStore(path: path)
            let second = try await SQLiteEventStore(path: path)
            let stream = StreamName(entityType: "meeting", entityID: "shared")
            let outcomes = try await withThrowingTaskGroup(of: (Bool, EventStoreError?).self) { group in
                for writer in 0..<40 {
                    let store = writer.isMultiple(of: 2) ? first : second
                    group.addTask {
                        do {
                            let events = try await store.readStream(stream)
                            try await store.append([Self.event("\(writer)")], to: stream, expected: .exactly(events.count))
                            return (true, nil)
                        } catch let error as EventStoreError {
                            return (false, error)
                        }
                    }
                    group.addTask {
                        try await store.append([Self.event("any \(writer)")], to: stream, expected: .any)
                        return (true, nil)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let failures = outcomes.compactMap(\.1)
            #expect(failures.allSatisfy { $0.code == .wrongExpectedVersion }, "\(failures)")
            let events = try await first.readStream(stream)
            #expect(events.count == outcomes.filter(\.0).count, "every successful append is stored")
            #expect(events.map(\.version) == Array(1...events.count), "no gaps, no duplicates")
            #expect(try await second.readStream(stream) == events)
            try await first.close()
            try await second.close()
        }
    }
}
