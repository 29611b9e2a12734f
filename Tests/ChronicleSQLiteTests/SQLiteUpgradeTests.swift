import Chronicle
import ChronicleMigrations
import ChronicleSQL
import ChronicleSQLite
import Foundation
import SQLiteNIO
import Testing

@Suite("SQLite: stores made before the chronicle_ prefix, and files that must exist")
struct SQLiteUpgradeTests {
    @Test func migratesAStoreMadeBeforeThePrefix() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("old.sqlite").path
            // The store as the first release left it: migrations 1–4 recorded in schema_migrations,
            // an event in events, and an application's table named like the old log's neighbour.
            let connection: SQLiteConnection = try await SQLiteConnection.open(storage: .file(path: path))
            _ = try await connection.query("""
                CREATE TABLE schema_migrations (scope TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL,
                    checksum TEXT NOT NULL, applied_at INTEGER NOT NULL, PRIMARY KEY (scope, version)) STRICT
                """)
            for migration in MigrationSet.storeSchema(bundledAs: "sqlite").migrations.prefix(4) {
                for statement in migration.statements { _ = try await connection.query(statement) }
                _ = try await connection.query(
                    "INSERT INTO schema_migrations VALUES ('chronicle', ?1, ?2, ?3, 0)",
                    [.integer(migration.version), .text(migration.name), .text(migration.checksum)])
            }
            _ = try await connection.query("""
                INSERT INTO events (event_id, entity_type, entity_id, version, event_type, schema_version, meta, data, created_at)
                VALUES ('6f1c3e9a-0000-4000-8000-000000000001', 'meeting', 'm-1', 1, 'meeting.noted', 1, '{}', '{"text":"old"}', 1000000)
                """)
            try await connection.close()

            let store = try await SQLiteEventStore(path: path)
            do {
                let old = try await store.readLog(after: 0, limit: 10)
                #expect(old.map(\.position) == [1] && old.first?.data == Data(#"{"text":"old"}"#.utf8))
                let appended = try await store.append(
                    [NewEvent(eventType: "meeting.noted", data: Data(#"{"text":"new"}"#.utf8))],
                    to: StreamName(entityType: "meeting", entityID: "m-1"), expected: .exactly(1))
                #expect(appended.position == 2 && appended.version == 2, "positions and versions go on")
                #expect(try await store.appliedMigrations().map(\.version) == MigrationSet.storeSchema(bundledAs: "sqlite").migrations.map(\.version))
                try await store.close()
            } catch {
                try? await store.close()
                throw error
            }
            let check: SQLiteConnection = try await SQLiteConnection.open(storage: .file(path: path))
            let tables = try await check.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
                .compactMap { $0.column("name")?.string }
            try await check.close()
            #expect(tables == StoreSchema.tableNames.sorted(), "every table of the store carries the prefix, and only those exist")
        }
    }

    @Test func aStoreThatMustNotCreateItsFileRefusesAMissingOne() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("typo.sqlite").path
            let error = await #expect(throws: EventStoreError.self) {
                _ = try await SQLiteEventStore(configuration: .init(path: path, createsFile: false, migratesOnOpen: false))
            }
            #expect(error?.code == .notMigrated && error?.message.contains(path) == true, "\(String(describing: error))")
            #expect(!FileManager.default.fileExists(atPath: path), "no file was created")

            try await SQLiteEventStore(path: path).close()
            let existing = try await SQLiteEventStore(configuration: .init(path: path, createsFile: false))
            #expect(try await existing.headPosition() == 0, "an existing file opens")
            try await existing.close()
        }
    }
}
