import ChronicleMigrations
import Testing

@Suite("Migration files")
struct MigrationTests {
    @Test func readsNumberAndNameFromTheFileName() throws {
        let migration = try Migration(fileName: "0012_add_tenant_column.sql", sql: "SELECT 1;")
        #expect(migration.version == 12)
        #expect(migration.name == "add_tenant_column")
    }

    @Test(arguments: ["create_events.sql", "0001_create_events.txt", "0001.sql", "0001_.sql", "abc_create.sql", "0000_zero.sql"])
    func refusesMisnamedFiles(_ fileName: String) {
        #expect(throws: MigrationError.self) { try Migration(fileName: fileName, sql: "") }
    }

    @Test func checksumIsStableAndNoticesEdits() {
        let original = Migration(version: 1, name: "a", sql: "CREATE TABLE a (id int);")
        #expect(original.checksum == Migration(version: 1, name: "a", sql: "CREATE TABLE a (id int);").checksum)
        #expect(original.checksum != Migration(version: 1, name: "a", sql: "CREATE TABLE a (id bigint);").checksum)
        #expect(original.checksum.count == 16)
    }

    @Test func bundlesTheStoreSchemaForBothDialects() {
        for dialect in ["postgres", "sqlite"] {
            let set = MigrationSet.storeSchema(bundledAs: dialect)
            #expect(set.scope == "chronicle")
            #expect(set.migrations.first?.version == 1)
            #expect(set.migrations.first?.name == "create_events")
            #expect(set.migrations.allSatisfy { !$0.statements.isEmpty }, "\(dialect)")
        }
        #expect(MigrationSet.storeSchema(bundledAs: "postgres").migrations[0].statements.count == 3, "table, sequence, append function")
        #expect(MigrationSet.storeSchema(bundledAs: "sqlite").migrations[0].statements.count == 3, "table and two indexes")
        for dialect in ["postgres", "sqlite"] {
            #expect(MigrationSet.storeSchema(bundledAs: dialect).migrations.map(\.name) == [
                "create_events", "create_snapshots", "create_projections_and_reactors", "create_upcast_migrations",
                "prefix_store_tables", "create_parked_events", "record_projection_tables", "create_write_checks", "index_events_for_browsing",
                "create_personal_data", "create_leases", "create_partition_checkpoints", "record_projection_partitions",
            ], "\(dialect)")
        }
    }

    @Test func plansOnlyWhatIsNotApplied() throws {
        let set = MigrationSet(scope: "app", migrations: [
            Migration(version: 2, name: "second", sql: "SELECT 2;"),
            Migration(version: 1, name: "first", sql: "SELECT 1;"),
            Migration(version: 3, name: "third", sql: "SELECT 3;"),
        ])
        #expect(set.migrations.map(\.version) == [1, 2, 3], "sorted by number")
        #expect(try set.pending(after: []).map(\.version) == [1, 2, 3])
        let first = AppliedMigration(scope: "app", version: 1, name: "first", checksum: set.migrations[0].checksum)
        let foreign = AppliedMigration(scope: "other", version: 2, name: "x", checksum: "0")
        #expect(try set.pending(after: [first, foreign]).map(\.version) == [2, 3], "other scopes do not count")
    }

    @Test func refusesAnEditedAppliedMigration() {
        let set = MigrationSet(scope: "app", migrations: [Migration(version: 1, name: "first", sql: "SELECT 1;")])
        let recorded = AppliedMigration(scope: "app", version: 1, name: "first", checksum: "0123456789abcdef")
        let error = #expect(throws: MigrationError.self) { try set.pending(after: [recorded]) }
        #expect(error?.message.contains("was edited after it was applied") == true)
    }

    @Test func refusesAnAppliedMigrationWhoseFileIsGone() {
        let set = MigrationSet(scope: "app", migrations: [])
        let recorded = AppliedMigration(scope: "app", version: 4, name: "gone", checksum: "0")
        let error = #expect(throws: MigrationError.self) { try set.pending(after: [recorded]) }
        #expect(error?.message.contains("no such migration file exists") == true)
    }
}
