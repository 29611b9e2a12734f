import Chronicle
import ChronicleProjections
import ChronicleSQLite
import Foundation
import SQLKit
import Testing

/// One process at a time runs the read side of a SQLite file; a second is refused, naming the
/// first, and may run once the first has stopped.
@Suite struct SQLiteRunnerClaimTests {
    struct Noted: Event {
        static let eventType = "test.noted"
        var text: String
    }

    static let stream = StreamName(entityType: "note", entityID: "n1")

    /// Counts the events it sees in a table of its own.
    struct Counter: Projection {
        static let name = "counter"
        static let version = 1
        static let tables = [ProjectionTable("counted", ["CREATE TABLE {table} (position INTEGER PRIMARY KEY)"])]

        var handlers: EventHandlers<ProjectionContext> {
            EventHandlers {
                On(Noted.self) { _, row in
                    try await row.sql.raw("INSERT INTO \(ident: row.table("counted")) (position) VALUES (\(bind: row.event.position))").run()
                }
            }
        }
    }

    static func readSide(_ store: SQLiteEventStore, node: String) -> ReadSide {
        ReadSide(database: store, async: [Counter()], configuration: .init(pollInterval: .milliseconds(50), node: node))
    }

    @Test func refusesASecondProcessesReadSideAndLetsItRunAfterTheFirst() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("claimed.sqlite").path
            // Two stores on one file, as two processes have: each its own lock file description.
            let first = try await SQLiteEventStore(path: path)
            let second = try await SQLiteEventStore(path: path)
            do {
                let running = Self.readSide(first, node: "first-node")
                try await running.migrate()
                let runner = Task { try await running.run() }
                try await Self.waitUntilCounted(0, by: running)

                let refused = await #expect(throws: EventStoreError.self) { try await Self.readSide(second, node: "second-node").run() }
                #expect(refused?.code == .inUseByAnotherProcess, "\(String(describing: refused))")
                #expect(refused?.message.contains("first-node") == true && refused?.message.contains(path) == true, "names the holder and the file: \(String(describing: refused))")
                // The second store's appends and commands are fine: only its read side is refused.
                try await second.append([Noted(text: "one")], to: Self.stream, expected: .any)
                try await Self.waitUntilCounted(1, by: running)

                runner.cancel()
                _ = await runner.result
                let after = Self.readSide(second, node: "second-node")
                let secondRunner = Task { try await after.run() }
                try await second.append([Noted(text: "two")], to: Self.stream, expected: .any)
                try await Self.waitUntilCounted(2, by: after)
                secondRunner.cancel()
                _ = await secondRunner.result
            } catch {
                try? await first.close()
                try? await second.close()
                throw error
            }
            try await first.close()
            try await second.close()
        }
    }

    static func waitUntilCounted(_ count: Int, by readSide: ReadSide) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let rows = try await readSide.database.withReadConnection { sql in
                try await sql.raw("SELECT count(*) AS n FROM counted").first()?.decode(column: "n", as: Int.self)
            }
            let status = try await readSide.status()
            if rows == count, status.projections.first?.leases.first?.holder != nil { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("Timed out waiting for \(count) counted event(s)")
    }
}
