import Chronicle
import ChronicleMigrations
import ChronicleProjections
import ChronicleSQLite
import Foundation
import SQLKit
import Testing

/// The application's own migrations (tables outside projections), applied and reported by the
/// read side.
@Suite struct ApplicationMigrationTests {
    static let outbox = MigrationSet(scope: "app", migrations: [
        Migration(version: 1, name: "create_outbox", sql: "CREATE TABLE outbox (key TEXT PRIMARY KEY, body TEXT NOT NULL);")
    ])

    @Test func migrateAppliesThemOnceAndStatusReportsThemPending() async throws {
        try await withTemporaryDirectory { directory in
            let store = try await SQLiteEventStore(path: directory.appendingPathComponent("app.sqlite").path)
            do {
                let readSide = ReadSide(database: store, migrations: [Self.outbox])
                let pending = await #expect(throws: ReadSideError.self) { try await readSide.status() }
                #expect(pending?.code == .notMigrated && pending?.message.contains(#"The migrations "app" has 1 pending migration"#) == true, "\(String(describing: pending))")

                let first = try await readSide.migrate()
                #expect(first.applicationMigrations.map(\.name) == ["create_outbox"] && first.storeMigrations.isEmpty)
                try await store.withWriteTransaction(locking: nil) { sql in
                    try await sql.raw("INSERT INTO outbox (key, body) VALUES ('k', 'hello')").run()
                }
                #expect(try await readSide.migrate().isEmpty, "a second run applies nothing")
                _ = try await readSide.status()

                // A changed migration that was applied is refused, not reapplied.
                let edited = MigrationSet(scope: "app", migrations: [
                    Migration(version: 1, name: "create_outbox", sql: "CREATE TABLE outbox (key TEXT PRIMARY KEY);")
                ])
                await #expect(throws: MigrationError.self) { try await ReadSide(database: store, migrations: [edited]).migrate() }
            } catch {
                try? await store.close()
                throw error
            }
            try await store.close()
        }
    }
}
