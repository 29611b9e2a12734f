import Chronicle
import ChronicleProjections
import ChronicleSQL
import Foundation
import SQLKit
import Testing

extension ReadSideChecks {
    /// Row changes written per batch (followed, rebuilt offline and online, in small and large
    /// batches) leave the same tables as the same handlers written with one SQL statement per
    /// event.
    func appliesRowChangesAsTheirSQLWould() async throws {
        let readSide = makeReadSide(async: [RowChangesLedger(), SQLLedger()])
        try await readSide.migrate()
        let appends = LedgerHistory.appends(count: 150)
        for (account, events) in appends.prefix(100) {
            try await readSide.eventStore.append(events, to: Self.ledger(account), expected: .any)
        }
        try await running(readSide) {
            try await waitUntilCaughtUp(readSide, RowChangesLedger.name, SQLLedger.name)
            for (account, events) in appends.dropFirst(100) {
                try await readSide.eventStore.append(events, to: Self.ledger(account), expected: .any)
            }
            try await waitUntilCaughtUp(readSide, RowChangesLedger.name, SQLLedger.name)
        }
        let expected = try await ledgerRows("sql")
        #expect(expected.count > 20, "the history leaves rows to compare: \(expected)", sourceLocation: sourceLocation)
        #expect(try await ledgerRows("rc") == expected, "following the log in batches of 7", sourceLocation: sourceLocation)

        try await readSide.rebuild(RowChangesLedger.name, mode: .offline)
        #expect(try await ledgerRows("rc") == expected, "rebuilt offline in batches of 10", sourceLocation: sourceLocation)

        let wholeLog = ReadSide(
            database: database, async: [RowChangesLedger(), SQLLedger()], configuration: .init(rebuildBatchSize: 5_000))
        try await wholeLog.rebuild(RowChangesLedger.name, mode: .offline)
        #expect(try await ledgerRows("rc") == expected, "rebuilt offline in one batch", sourceLocation: sourceLocation)
        try await wholeLog.rebuild(RowChangesLedger.name, mode: .online)
        #expect(try await ledgerRows("rc") == expected, "rebuilt online", sourceLocation: sourceLocation)
        try await wholeLog.rebuild(SQLLedger.name, mode: .offline)
        #expect(try await ledgerRows("sql") == expected, "the SQL twin rebuilds to the same tables", sourceLocation: sourceLocation)
    }

    /// Inline row changes are written in the append's transaction, combined over the append's
    /// events, and match their SQL twin.
    func appliesInlineRowChangesAsTheirSQLWould() async throws {
        let readSide = makeReadSide(inline: [RowChangesLedger(), SQLLedger()])
        try await readSide.migrate()
        for (account, events) in LedgerHistory.appends(count: 120) {
            try await readSide.eventStore.append(events, to: Self.ledger(account), expected: .any)
        }
        let expected = try await ledgerRows("sql")
        #expect(expected.count > 20, sourceLocation: sourceLocation)
        #expect(try await ledgerRows("rc") == expected, "current when each append returns", sourceLocation: sourceLocation)
    }

    /// A batch of more rows than one statement binds, and than the buffer holds, is written in
    /// several statements, all of it.
    func writesLargeBatchesOfRowChanges() async throws {
        let readSide = ReadSide(database: database, async: [RowChangesLedger()], configuration: .init(rebuildBatchSize: 20_000))
        try await readSide.migrate()
        // 12,000 tags of one account: 12,000 upserted rows of 3 parameters each, one taken off.
        var expected: [String] = []
        for chunk in stride(from: 0, to: 12_000, by: 2_000) {
            let events = (chunk..<chunk + 2_000).map { LedgerEvent.Tagged(tag: "tag-\($0)") }
            let result = try await database.append(events, to: Self.ledger("big"), expected: .any)
            expected += zip(events, result.events).map { "tag big \($0.tag) \($1.position)" }
        }
        try await database.append([LedgerEvent.Untagged(tag: "tag-5000")], to: Self.ledger("big"), expected: .any)
        expected.removeAll { $0.hasPrefix("tag big tag-5000 ") }
        try await readSide.rebuild(RowChangesLedger.name, mode: .offline)
        #expect(try await ledgerRows("rc").sorted() == expected.sorted(), sourceLocation: sourceLocation)
    }

    /// An inline row change that cannot be written fails the append whole, naming the event it
    /// came from.
    func failsInlineRowChangesWithTheAppend() async throws {
        let readSide = makeReadSide(inline: [RowChangesLedger()])
        try await readSide.migrate()
        let opened = try await readSide.eventStore.append(
            [LedgerEvent.Opened(owner: "ann"), LedgerEvent.Moved(amount: 5)], to: Self.ledger("x"), expected: .noEvents)
        // Closed then opened again is fine; the second "opened" is a duplicate insert.
        let error = await #expect(throws: ReadSideError.self, sourceLocation: sourceLocation) {
            try await readSide.eventStore.append(
                [LedgerEvent.Moved(amount: 100), LedgerEvent.Closed(), LedgerEvent.Opened(owner: "bob"), LedgerEvent.Opened(owner: "cy")],
                to: Self.ledger("x"), expected: .exactly(2))
        }
        #expect(error?.code == .handlerFailed, sourceLocation: sourceLocation)
        #expect(error?.position == opened.position + 4, "names the event whose insert failed", sourceLocation: sourceLocation)
        #expect(error?.message.contains("INSERT of 1 row into rc_accounts") == true, "\(String(describing: error))", sourceLocation: sourceLocation)
        #expect(try await database.headPosition() == opened.position, "no event was appended", sourceLocation: sourceLocation)
        #expect(try await ledgerRows("rc") == ["x|ann|5|1|2.5|true"], "no row changed", sourceLocation: sourceLocation)
        try await readSide.eventStore.append(
            [LedgerEvent.Moved(amount: 100), LedgerEvent.Closed(), LedgerEvent.Opened(owner: "bob")], to: Self.ledger("x"), expected: .exactly(2))
        #expect(try await ledgerRows("rc") == ["x|bob|0|0|0.0|true"], "closed and opened again in one append", sourceLocation: sourceLocation)
    }

    /// An async projection whose row changes cannot be written stops at the batch with the
    /// event it came from, writing nothing; so does an offline rebuild.
    func stopsAtRowChangesThatFail() async throws {
        let readSide = makeReadSide(async: [RowChangesLedger()])
        try await readSide.migrate()
        try await database.append([LedgerEvent.Opened(owner: "dan"), LedgerEvent.Moved(amount: 3)], to: Self.ledger("y"), expected: .noEvents)
        let failing = try await database.append([LedgerEvent.Opened(owner: "eve")], to: Self.ledger("y"), expected: .any).position
        try await running(readSide) {
            try await waitUntil("the projection reports its failure") {
                try await readSide.status().projections.first?.errorPosition == failing
            }
        }
        let status = try await readSide.status().projections.first
        #expect(status?.state == .failing, sourceLocation: sourceLocation)
        #expect(status?.lastError?.contains("row changes of event \(failing) (INSERT of 1 row into rc_accounts)") == true,
                "\(String(describing: status?.lastError))", sourceLocation: sourceLocation)
        // The failing batch holds event 3, and events 1 and 2 unless the store handed them out alone.
        let rowsAtCheckpoint: [Int64: [String]] = [0: [], 2: ["y|dan|3|1|1.5|true"]]
        let rows = try await ledgerRows("rc")
        #expect(status.flatMap { $0.checkpoint }.flatMap { rowsAtCheckpoint[$0] } == rows,
                "the failing batch wrote nothing: checkpoint \(String(describing: status?.checkpoint)), rows \(rows)", sourceLocation: sourceLocation)

        let rebuild = await #expect(throws: ReadSideError.self, sourceLocation: sourceLocation) {
            try await readSide.rebuild(RowChangesLedger.name, mode: .offline)
        }
        #expect(rebuild?.position == failing, sourceLocation: sourceLocation)
        #expect(try await ledgerRows("rc") == rows, "a failed offline rebuild leaves the tables as they were", sourceLocation: sourceLocation)
    }

    /// A row change to an undeclared table or with a null key is refused with a clear error.
    func refusesInvalidRowChanges() async throws {
        let readSide = makeReadSide(inline: [UndeclaredTableProjection()])
        try await readSide.migrate()
        let error = await #expect(throws: ReadSideError.self, sourceLocation: sourceLocation) {
            try await readSide.eventStore.append([LedgerEvent.Opened(owner: "ann")], to: Self.ledger("x"), expected: .noEvents)
        }
        let underlying = error?.underlying as? ReadSideError
        #expect(underlying?.code == .invalidRowChange, "\(String(describing: error))", sourceLocation: sourceLocation)
        #expect(underlying?.message.contains("no table named \"undeclared\"") == true, sourceLocation: sourceLocation)
        #expect(try await database.headPosition() == 0, "the append was refused", sourceLocation: sourceLocation)
    }

    static func ledger(_ account: String) -> StreamName {
        StreamName(entityType: "ledger", entityID: account)
    }

    func ledgerRows(_ prefix: String) async throws -> [String] {
        try await database.withReadConnection { sql in try await LedgerTables.dump(prefix, on: sql) }
    }
}
