import Chronicle
import ChronicleMigrations
import ChronicleProjections
import ChronicleSQL
import Foundation
import SQLKit

/// Rebuilds of a simple projection over a log of `events` events (one row inserted per opened
/// account, updated by each of its later events): offline, online, and online in 4 partitions.
struct RebuildBenchmark {
    var target: BenchTarget
    var events: Int
    var runs: Int

    /// Events per second and peak resident memory of each rebuild, beside a pure-SQL rebuild of
    /// the same table in the same run.
    func run() async throws -> [ResultRow] {
        let (events, runs) = (events, runs)
        let series = try await target.withStore(Self.writers) { store in
            guard let database = store as? any SQLEventStore else { throw BenchError("\(type(of: store)) keeps no projections.") }
            try await Self.seed(store, events: events)
            let readSide = ReadSide(database: database, async: [BenchAccountsProjection(), BenchSplitAccountsProjection()])
            try await readSide.migrate()
            try await database.withWriteTransaction(locking: nil) { sql in
                try await sql.raw("\(unsafeRaw: BenchAccountsProjection.createTable(named: Self.pureSQLTable))").run()
            }
            var speeds: [Double] = [], peaks: [Double] = [], pureSpeeds: [Double] = [], purePeaks: [Double] = []
            var online: [Double] = [], split: [Double] = [], splitPeaks: [Double] = []
            for _ in 0..<runs {
                let (speed, peak) = try await PeakMemory.throughput(of: events) {
                    try await readSide.rebuild(BenchAccountsProjection.name, mode: .offline)
                }
                try await Self.check(database, table: BenchAccountsProjection.name, events: events)
                speeds.append(speed)
                peaks.append(peak)
                let (onlineSpeed, _) = try await PeakMemory.throughput(of: events) {
                    try await readSide.rebuild(BenchAccountsProjection.name, mode: .online)
                }
                try await Self.check(database, table: BenchAccountsProjection.name, events: events)
                online.append(onlineSpeed)
                let (splitSpeed, splitPeak) = try await PeakMemory.throughput(of: events) {
                    try await readSide.rebuild(BenchSplitAccountsProjection.name, mode: .online)
                }
                try await Self.check(database, table: BenchSplitAccountsProjection.name, events: events)
                split.append(splitSpeed)
                splitPeaks.append(splitPeak)
                let (pureSpeed, purePeak) = try await PeakMemory.throughput(of: events) {
                    try await Self.rebuildInPureSQL(database)
                }
                try await Self.check(database, table: Self.pureSQLTable, events: events)
                pureSpeeds.append(pureSpeed)
                purePeaks.append(purePeak)
            }
            return [speeds, peaks, pureSpeeds, purePeaks, online, split, splitPeaks]
        }
        let operation = "rebuild a projection over \(events.formatted()) events"
        return [
            ResultRow(store: target.name, operation: operation, detail: "offline, events", figures: series[0], unit: .perSecond, baseline: series[2], target: 0.3),
            ResultRow(store: target.name, operation: operation, detail: "offline, peak RSS", figures: series[1], unit: .megabytes, baseline: series[3]),
            ResultRow(store: target.name, operation: operation, detail: "online, events", figures: series[4], unit: .perSecond, baseline: series[2]),
            ResultRow(
                store: target.name, operation: operation, detail: "online in 4 partitions, events", figures: series[5], unit: .perSecond,
                baseline: series[2]),
            ResultRow(
                store: target.name, operation: operation, detail: "online in 4 partitions, peak RSS", figures: series[6], unit: .megabytes,
                baseline: series[3]),
        ]
    }

    /// The table the pure-SQL rebuild fills.
    static let pureSQLTable = "bench_accounts_sql"

    /// The baseline: the same table from the log in three statements and one transaction, with
    /// the database doing all the work (`INSERT … SELECT`, then `UPDATE … FROM` an aggregate).
    private static func rebuildInPureSQL(_ database: any SQLEventStore) async throws {
        let isPostgres = database.dialect.name == "postgres"
        let field: @Sendable (String) -> String = { key in
            isPostgres ? "(data::json ->> '\(key)')" : "json_extract(data, '$.\(key)')"
        }
        try await database.withWriteTransaction(locking: nil) { sql in
            try await sql.raw("DELETE FROM \(unsafeRaw: pureSQLTable)").run()
            try await sql.raw("""
                INSERT INTO \(unsafeRaw: pureSQLTable) (id, owner, deposits, total)
                SELECT entity_id, \(unsafeRaw: field("owner")), 0, 0 FROM chronicle_events WHERE event_type = \(bind: BenchAccountOpened.eventType)
                """).run()
            try await sql.raw("""
                UPDATE \(unsafeRaw: pureSQLTable) SET deposits = d.deposits, total = d.total
                FROM (SELECT entity_id, COUNT(*) AS deposits, SUM(CAST(\(unsafeRaw: field("amount")) AS BIGINT)) AS total
                      FROM chronicle_events WHERE event_type = \(bind: BenchDeposited.eventType) GROUP BY entity_id) AS d
                WHERE \(unsafeRaw: pureSQLTable).id = d.entity_id
                """).run()
        }
    }

    static let writers = 16
    static let eventsPerAccount = 10

    /// Appends the log: accounts of ten events each (opened, then nine deposits), from concurrent writers.
    ///
    /// With `correlated`, each account's events share a correlation id (`c<account>`), as one
    /// request's events would: what the browser's correlation pages look up.
    static func seed(_ store: any EventStore, events: Int, correlated: Bool = false) async throws {
        let accounts = events / eventsPerAccount
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    for account in stride(from: writer, to: accounts, by: writers) {
                        let history: [any Event] =
                            [BenchAccountOpened(owner: "owner-\(account % 1_000)")]
                            + (1..<eventsPerAccount).map { BenchDeposited(amount: $0 * 10 + account % 7) }
                        try await store.append(
                            history, to: StreamName(entityType: "bench-account", entityID: "a\(account)"), expected: .noEvents,
                            metadata: correlated ? EventMetadata(actor: "bench", correlationID: "c\(account)") : EventMetadata())
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Fails unless the rebuilt table holds every account with all its deposits.
    private static func check(_ database: any SQLEventStore, table: String, events: Int) async throws {
        let accounts = events / eventsPerAccount
        let deposits = (1..<eventsPerAccount).reduce(0) { $0 + $1 * 10 }
        let expectedTotal = (0..<accounts).reduce(0) { $0 + deposits + ($1 % 7) * (eventsPerAccount - 1) }
        let (rows, total) = try await database.withReadConnection { sql in
            let row = try await sql.raw("SELECT COUNT(*) AS rows, CAST(SUM(total) AS BIGINT) AS total FROM \(unsafeRaw: table)").first()
            return (try row?.decode(column: "rows", as: Int.self), try row?.decode(column: "total", as: Int.self))
        }
        guard rows == accounts, total == expectedTotal else {
            throw BenchError("The rebuilt table \(table) is wrong: \(rows ?? 0) rows totalling \(total ?? 0); expected \(accounts) totalling \(expectedTotal).")
        }
    }
}

/// One row per account: its owner, deposits and total, written with row changes (an insert
/// per opened account, an increment per deposit), combined and written per batch.
struct BenchAccountsProjection: Projection {
    static let name = "bench_accounts"
    static let version = 1
    static let tables = [ProjectionTable(name, [createTable(named: "{table}")])]

    /// The table's definition (the pure-SQL baseline makes one more of it).
    static func createTable(named name: String) -> String {
        "CREATE TABLE \(name) (id TEXT PRIMARY KEY, owner TEXT NOT NULL, deposits INTEGER NOT NULL, total BIGINT NOT NULL)"
    }

    var handlers: EventHandlers<ProjectionContext> { Self.handlers(writing: Self.name) }

    /// The handlers, writing the named table.
    static func handlers(writing table: String) -> EventHandlers<ProjectionContext> {
        EventHandlers {
            On(BenchAccountOpened.self) { event, row in
                try await row.insert(
                    into: table, key: ["id": .text(row.event.stream.entityID)],
                    values: ["owner": .text(event.owner), "deposits": 0, "total": 0])
            }
            On(BenchDeposited.self) { event, row in
                try await row.update(
                    table, key: ["id": .text(row.event.stream.entityID)],
                    increment: ["deposits": 1, "total": .integer(event.amount)])
            }
        }
    }
}

/// ``BenchAccountsProjection`` in 4 partitions: its online rebuild replays them side by side.
struct BenchSplitAccountsProjection: Projection {
    static let name = "bench_accounts_split"
    static let version = 1
    static let tables = [ProjectionTable(name, [BenchAccountsProjection.createTable(named: "{table}")])]
    static let ordering = EventOrdering.perEntity
    static let partitions = 4

    var handlers: EventHandlers<ProjectionContext> { BenchAccountsProjection.handlers(writing: Self.name) }
}

/// An account was opened.
struct BenchAccountOpened: Event {
    static let eventType = "bench.account-opened"
    var owner: String
}

/// Money went into an account.
struct BenchDeposited: Event {
    static let eventType = "bench.deposited"
    var amount: Int
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
