import Chronicle
import ChronicleProjections
import ChroniclePostgres
import Foundation
import Logging
import PostgresNIO
import SQLKit
import Testing

/// Rebuilds of async projections on PostgreSQL, whose log reader holds events back while an
/// older transaction is open anywhere in the database.
@Suite(TestDatabase.available)
struct PostgresRebuildTests {
    /// One row per event.
    struct Tally: Projection {
        static let name = "tally"
        static let version = 1
        static let tables = [ProjectionTable("tally", ["CREATE TABLE {table} (position BIGINT PRIMARY KEY)"])]

        var handlers: EventHandlers<ProjectionContext> {
            EventHandlers {
                On(Tallied.self) { _, row in
                    try await row.sql.raw("INSERT INTO \(ident: row.table("tally")) (position) VALUES (\(bind: row.event.position))").run()
                }
            }
        }
    }

    struct Tallied: Event {
        static let eventType = "tally.tallied"
    }

    @Test(arguments: [RebuildMode.offline, .online])
    func aRebuildWaitsForEventsHeldBackByAnOpenTransaction(_ mode: RebuildMode) async throws {
        try await TestDatabase.withStore(maximumConnections: 6) { store in
            let readSide = ReadSide(database: store, async: [Tally()])
            try await readSide.migrate()
            try await store.client.withConnection { blocker in
                // A transaction with an id, older than the events below, still open while the rebuild starts.
                let logger = Logger(label: "chronicle.tests")
                try await blocker.query("BEGIN", logger: logger)
                try await blocker.query("SELECT txid_current()", logger: logger)
                for number in 1...3 {
                    try await store.append([Tallied()], to: StreamName(entityType: "tally", entityID: "t\(number)"), expected: .noEvents)
                }
                let rebuild = Task { try await readSide.rebuild("tally", mode: mode) }
                try await Task.sleep(for: .milliseconds(300))
                try await blocker.query("COMMIT", logger: logger)
                try await rebuild.value
            }
            let rows = try await store.withReadConnection { sql in
                try await sql.raw("SELECT COUNT(*) AS n FROM tally").first()?.decode(column: "n", as: Int.self)
            }
            #expect(rows == 3, "the rebuild replayed the events committed before it started")
            let status = try await readSide.status()
            #expect(status.projections.first?.checkpoint == 3)
        }
    }
}
