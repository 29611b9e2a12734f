import Chronicle
import ChronicleMigrations
import ChronicleProjections
import ChronicleSQL
import Foundation
import SQLKit
import Testing

/// The read-side checks that keep the store's tables the store's, and inline projections whole.
extension ReadSideChecks {
    func refusesToTouchTheStoresTables() async throws {
        let seeding = makeReadSide(inline: [BalancesProjection()])
        try await seeding.migrate()
        _ = try await moveMany(6, in: seeding.eventStore)
        let before = try await logContents()

        // A projection table named like each of the store's tables, in any case.
        for name in StoreSchema.tableNames {
            let readSide = ChosenTableProjection.$table.withValue(name) { makeReadSide(async: [ChosenTableProjection()]) }
            let error = await #expect(throws: ReadSideError.self, "\(name)", sourceLocation: sourceLocation) { try await readSide.migrate() }
            #expect(error?.code == .reservedName && error?.message.contains(name) == true, "\(String(describing: error))", sourceLocation: sourceLocation)
            #expect(try await logContents() == before, "\(name): the log is untouched", sourceLocation: sourceLocation)
        }

        // Statements that would create, change or write the store's tables, from a projection's
        // table definition or an application migration.
        let statements = [
            "DROP TABLE chronicle_events", "DROP TABLE IF EXISTS \"chronicle_events\"", "ALTER TABLE chronicle_events RENAME TO old_log",
            "DELETE FROM CHRONICLE_EVENTS", "UPDATE chronicle_reactors SET position = 0", "CREATE INDEX {table}_x ON chronicle_events (data)",
            "INSERT INTO chronicle_projections (name) VALUES ('x')", "CREATE TABLE chronicle_mine (id INTEGER)", "TRUNCATE chronicle_snapshots",
        ]
        for statement in statements {
            let projecting = ChosenTableProjection.$statements.withValue([statement]) { makeReadSide(async: [ChosenTableProjection()]) }
            let refused = await #expect(throws: ReadSideError.self, "\(statement)", sourceLocation: sourceLocation) { try await projecting.migrate() }
            #expect(refused?.code == .reservedName, "\(statement): \(String(describing: refused))", sourceLocation: sourceLocation)

            let migration = MigrationSet(scope: "app", migrations: [Migration(version: 1, name: "sneaky", sql: statement.replacingOccurrences(of: "{table}", with: "t"))])
            let migrating = ReadSide(database: database, migrations: [migration])
            let error = await #expect(throws: ReadSideError.self, "\(statement)", sourceLocation: sourceLocation) { try await migrating.migrate() }
            #expect(error?.code == .reservedName && error?.message.contains("sneaky") == true, "\(String(describing: error))", sourceLocation: sourceLocation)
            #expect(try await logContents() == before, "\(statement): the log is untouched", sourceLocation: sourceLocation)
        }
        #expect(
            try await database.appliedMigrations().allSatisfy { $0.scope != "app" }, "no refused migration was recorded", sourceLocation: sourceLocation)

        // A handler that writes to the store's tables fails: building it from the log, and with
        // each append, which is refused whole.
        let deleting = ChosenTableProjection.$projection.withValue("deleter") {
            ChosenTableProjection.$handlerSQL.withValue("DELETE FROM chronicle_events") {
                makeReadSide(inline: [BalancesProjection(), ChosenTableProjection()])
            }
        }
        for attempt in ["building it", "appending"] {
            let handlerError = await #expect(throws: ReadSideError.self, "\(attempt)", sourceLocation: sourceLocation) {
                if attempt == "building it" {
                    try await deleting.migrate()
                } else {
                    try await move(5, "a", in: deleting.eventStore)
                }
            }
            #expect(
                handlerError?.code == .handlerFailed && handlerError?.message.contains("may not write to the store's chronicle_events") == true,
                "\(attempt): \(String(describing: handlerError))", sourceLocation: sourceLocation)
            #expect(try await logContents() == before, "\(attempt): nothing was appended, nothing deleted", sourceLocation: sourceLocation)
        }

        // Reading the store's tables is fine, and so are the names the store used before its prefix.
        let reading = ChosenTableProjection.$projection.withValue("reader") {
            ChosenTableProjection.$table.withValue("events") {
                ChosenTableProjection.$handlerSQL.withValue("SELECT count(*) FROM chronicle_events") {
                    makeReadSide(inline: [BalancesProjection(), ChosenTableProjection()])
                }
            }
        }
        let readingMigration = try await reading.migrate()
        #expect(readingMigration.createdProjections == ["reader"], sourceLocation: sourceLocation)
        let appended = try await move(5, "a", in: reading.eventStore)
        #expect(try await database.readStream(Self.account("a")).last == appended.events.last, sourceLocation: sourceLocation)
        #expect(try await logContents().log.prefix(before.log.count) == before.log[...], "the log kept every event", sourceLocation: sourceLocation)
    }

    func leavesTablesItDidNotCreate() async throws {
        let migration = MigrationSet(scope: "app", migrations: [
            Migration(version: 1, name: "create_notes", sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL); INSERT INTO notes VALUES (1, 'keep me');")
        ])
        try await ReadSide(database: database, migrations: [migration]).migrate()
        let readSide = ChosenTableProjection.$table.withValue("notes") {
            ReadSide(database: database, async: [ChosenTableProjection()], migrations: [migration])
        }
        for attempt in ["migrate", "rebuild offline", "rebuild online"] {
            let error = await #expect(throws: ReadSideError.self, "\(attempt)", sourceLocation: sourceLocation) {
                switch attempt {
                case "migrate": try await readSide.migrate()
                case "rebuild offline": try await readSide.rebuild("chosen", mode: .offline)
                default: try await readSide.rebuild("chosen", mode: .online)
                }
            }
            #expect(error?.code == .tableExists && error?.message.contains("notes") == true, "\(attempt): \(String(describing: error))", sourceLocation: sourceLocation)
            let notes = try await database.withReadConnection { sql in
                try await sql.raw("SELECT text FROM notes").all().map { try $0.decode(column: "text", as: String.self) }
            }
            #expect(notes == ["keep me"], "\(attempt): the application's table is untouched", sourceLocation: sourceLocation)
        }
    }

    func refusesTablesNotDefinedForTheDialect() async throws {
        let dialect = database.dialect.name
        let elsewhere = ChosenTableProjection.$onlyDialect.withValue("elsewhere") { makeReadSide(async: [ChosenTableProjection()]) }
        let error = await #expect(throws: ReadSideError.self, sourceLocation: sourceLocation) { try await elsewhere.migrate() }
        #expect(
            error?.code == .invalidDefinition && error?.message.contains("for elsewhere, not for \(dialect)") == true,
            "\(String(describing: error))", sourceLocation: sourceLocation)
        let status = try await elsewhere.status()
        #expect(status.projections.map(\.state) == [.notMigrated], "nothing was created", sourceLocation: sourceLocation)

        let here = ChosenTableProjection.$onlyDialect.withValue(dialect) { makeReadSide(async: [ChosenTableProjection()]) }
        let migration = try await here.migrate()
        #expect(migration.createdProjections == ["chosen"], sourceLocation: sourceLocation)
    }

    func refusesAppendsThatSkipInlineProjections() async throws {
        let readSide = makeReadSide(inline: [BalancesProjection()])
        try await readSide.migrate()
        try await move(10, "a", in: readSide.eventStore)
        let before = try await logContents()

        let bypassing = await #expect(throws: EventStoreError.self, sourceLocation: sourceLocation) {
            try await move(90, "a", in: database)
        }
        #expect(
            bypassing?.code == .bypassesInlineProjection && bypassing?.message.contains("balances") == true
                && bypassing?.message.contains(Deposited.eventType) == true, "\(String(describing: bypassing))", sourceLocation: sourceLocation)
        let command = await #expect(throws: EventStoreError.self, sourceLocation: sourceLocation) {
            try await Aggregates(store: database, snapshots: nil).execute(Deposit(amount: 90), on: EntityID("a"))
        }
        #expect(command?.code == .bypassesInlineProjection, "a command through plain aggregates too", sourceLocation: sourceLocation)
        // Concurrent appends, which the store writes in groups, are refused alike.
        try await withThrowingTaskGroup(of: EventStoreError.Code?.self) { group in
            for index in 0..<12 {
                group.addTask {
                    do {
                        try await self.move(1, "group-\(index)", in: self.database)
                        return nil
                    } catch let error as EventStoreError {
                        return error.code
                    }
                }
            }
            for try await code in group {
                #expect(code == .bypassesInlineProjection, sourceLocation: sourceLocation)
            }
        }
        #expect(try await logContents() == before, "nothing was appended", sourceLocation: sourceLocation)
        #expect(try await balances() == [Balance(account: "a", balance: 10, entries: 1)], sourceLocation: sourceLocation)

        // Events no inline projection handles go straight to the store; the rest through the read side.
        try await database.append([AccountNoted(text: "fine")], to: Self.account("a"), expected: .any)
        try await readSide.aggregates().execute(Deposit(amount: 90), on: EntityID("a"))
        #expect(try await balances() == [Balance(account: "a", balance: 100, entries: 2)], sourceLocation: sourceLocation)

        // An inline projection no longer registered holds nothing back.
        try await makeReadSide().migrate()
        try await move(1, "a", in: database)
    }

    /// The log and its head, to compare before and after what must not change it.
    func logContents() async throws -> LogContents {
        // Every committed event: the guarded log may hold events back while other tests'
        // transactions run.
        LogContents(head: try await database.headPosition(), log: try await database.readCommittedLog(after: 0, limit: 10_000))
    }

    struct LogContents: Equatable {
        var head: Int64
        var log: [RecordedEvent]
    }
}
