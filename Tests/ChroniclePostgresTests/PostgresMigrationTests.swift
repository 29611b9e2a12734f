import Chronicle
import ChronicleMigrations
import ChroniclePostgres
import ChronicleProjections
import ChronicleSQL
import Foundation
import Logging
import PostgresNIO
import Testing

@Suite("PostgreSQL migrations", TestDatabase.available)
struct PostgresMigrationTests {
    @Test func aSecondRunAppliesNothing() async throws {
        try await TestDatabase.withStore(migrated: false) { store in
            let bundled = MigrationSet.storeSchema(bundledAs: "postgres").migrations
            #expect(try await store.migrate() == bundled)
            #expect(try await store.migrate().isEmpty)
            let applied = try await store.appliedMigrations()
            #expect(applied.map(\.version) == bundled.map(\.version))
            #expect(applied.map(\.checksum) == bundled.map(\.checksum))
        }
    }

    @Test func concurrentMigratorsTakeTurns() async throws {
        try await TestDatabase.withStore(migrated: false) { store in
            let runs = try await withThrowingTaskGroup(of: [Migration].self) { group in
                for _ in 0..<4 {
                    group.addTask { try await store.migrate() }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let count = MigrationSet.storeSchema(bundledAs: "postgres").migrations.count
            #expect(runs.map(\.count).sorted() == [0, 0, 0, count], "exactly one run applies the migrations")
            #expect(try await store.appliedMigrations().count == count)
        }
    }

    @Test func migratesAStoreMadeBeforeThePrefix() async throws {
        try await TestDatabase.withStore(migrated: false) { store in
            // The store as the first release left it: migrations 1–4 recorded in schema_migrations
            // and an event appended through its append function.
            try await execute("""
                CREATE TABLE schema_migrations (scope text NOT NULL, version bigint NOT NULL, name text NOT NULL,
                    checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (scope, version))
                """, on: store.client)
            for migration in MigrationSet.storeSchema(bundledAs: "postgres").migrations.prefix(4) {
                for statement in migration.statements { try await execute(PostgresQuery(unsafeSQL: statement), on: store.client) }
                try await execute(
                    "INSERT INTO schema_migrations (scope, version, name, checksum) VALUES ('chronicle', \(migration.version), \(migration.name), \(migration.checksum))",
                    on: store.client)
            }
            try await execute("""
                INSERT INTO events (position, transaction_id, event_id, entity_type, entity_id, version, event_type, schema_version, meta, data, created_at)
                SELECT r.first_position, r.transaction_id, gen_random_uuid(), 'meeting', 'm-1', 1, 'meeting.noted', 1, '{}', '{"text":"old"}', now()
                FROM chronicle_reserve_positions(1) r
                """, on: store.client)
            #expect(try await store.appliedMigrations().map(\.version) == [1, 2, 3, 4], "the old record is read before the migration")

            let applied = try await store.migrate()
            #expect(applied.map(\.version) == Array(5...MigrationSet.storeSchema(bundledAs: "postgres").migrations.count))
            // Every committed event: the guarded log may hold it back while other tests'
            // transactions are open on the cluster.
            let old = try await store.readCommittedLog(after: 0, limit: 10)
            #expect(old.map(\.position) == [1] && old.first?.data == Data(#"{"text":"old"}"#.utf8))
            let appended = try await store.append(
                [NewEvent(eventType: "meeting.noted", data: Data(#"{"text":"new"}"#.utf8))],
                to: StreamName(entityType: "meeting", entityID: "m-1"), expected: .exactly(1))
            #expect(appended.position == 2 && appended.version == 2, "positions and versions go on")
            let tables = try await store.client.withConnection { connection in
                var names: [String] = []
                for try await name in try await connection.query(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename", logger: Logger(label: "test")
                ).decode(String.self) {
                    names.append(name)
                }
                return names
            }
            #expect(tables == StoreSchema.tableNames.sorted(), "every table of the store carries the prefix, and only those exist")
        }
    }

    @Test func refusesToRunWhenAnAppliedMigrationWasEdited() async throws {
        try await TestDatabase.withStore { store in
            try await execute("UPDATE chronicle_schema_migrations SET checksum = '0000000000000000'", on: store.client)
            let error = await #expect(throws: MigrationError.self) { try await store.migrate() }
            #expect(error?.message.contains("was edited after it was applied") == true)
        }
    }

    @Test func aFailingMigrationLeavesNothingBehind() async throws {
        try await TestDatabase.withStore { store in
            let broken = MigrationSet(scope: "app", migrations: [
                Migration(version: 1, name: "fine", sql: "CREATE TABLE fine (id int);"),
                Migration(version: 2, name: "broken", sql: "CREATE TABLE half (id int); SELECT no_such_function();"),
            ])
            let error = await #expect(throws: MigrationError.self) { try await store.migrate(broken) }
            #expect(error?.message.contains("Migration 2 (broken) of app failed") == true)
            #expect(Set(try await store.appliedMigrations().map(\.scope)) == ["chronicle"], "nothing of the failed run is recorded")
            let tables = try await store.client.withConnection { connection in
                var names: [String] = []
                for try await name in try await connection.query(
                    "SELECT tablename FROM pg_tables WHERE tablename IN ('fine', 'half')", logger: Logger(label: "test")
                ).decode(String.self) {
                    names.append(name)
                }
                return names
            }
            #expect(tables.isEmpty, "the run's tables were rolled back")
        }
    }
}

@Suite("PostgreSQL connection URLs")
struct PostgresURLTests {
    @Test func readsEveryPart() throws {
        let configuration = try PostgresEventStore.clientConfiguration(
            url: "postgres://app%40user:p%40ss@db.example.com:6543/events?sslmode=disable")
        #expect(configuration.host == "db.example.com")
        #expect(configuration.port == 6543)
        #expect(configuration.username == "app@user")
        #expect(configuration.password == "p@ss")
        #expect(configuration.database == "events")
    }

    @Test func defaultsPortAndDatabase() throws {
        let configuration = try PostgresEventStore.clientConfiguration(url: "postgresql://chronicle@127.0.0.1")
        #expect(configuration.port == 5432)
        #expect(configuration.database == "chronicle")
        #expect(configuration.password == nil)
        #expect(configuration.options.additionalStartupParameters.isEmpty)
    }

    @Test func readsTheSearchPath() throws {
        let configuration = try PostgresEventStore.clientConfiguration(url: "postgres://chronicle@127.0.0.1/events?search_path=meetings")
        #expect(configuration.options.additionalStartupParameters.map { "\($0.0)=\($0.1)" } == ["search_path=meetings"])
    }

    @Test(arguments: [
        "mysql://user@host/db", "postgres://host/db", "postgres://user@/db", "not a url",
        "postgres://user@host/db?sslmode=sometimes", "postgres://user@host/db?search_path=",
    ])
    func refusesMalformedURLs(_ url: String) {
        let error = #expect(throws: EventStoreError.self) { try PostgresEventStore.clientConfiguration(url: url) }
        #expect(error?.code == .invalidInput)
    }

    @Test func hidesThePasswordInErrors() {
        let error = #expect(throws: EventStoreError.self) {
            try PostgresEventStore.clientConfiguration(url: "postgres://user:secret@host/db?sslmode=bogus")
        }
        #expect(error?.message.contains("secret") == false)
    }
}
