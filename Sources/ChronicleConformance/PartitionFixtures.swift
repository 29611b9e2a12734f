import Chronicle
import ChronicleProjections
import ChronicleSQL

/// Each account's movements in the order applied ("1 2 3", by version) and its balance: a
/// movement applied twice, missed or out of its account's order shows in `versions`.
enum AccountHistory {
    /// The table's definition, under a name.
    static func table(_ name: String) -> ProjectionTable {
        ProjectionTable(name, ["CREATE TABLE {table} (account TEXT PRIMARY KEY, versions TEXT NOT NULL, balance INTEGER NOT NULL)"])
    }

    /// The handlers, writing the named table.
    static func handlers(table: String, faults: Faults) -> EventHandlers<ProjectionContext> {
        EventHandlers {
            On(Deposited.self) { event, row in
                try await faults.check(row.event.position)
                try await record(row, amount: event.amount, table: table)
            }
            On(Withdrawn.self) { event, row in
                try await faults.check(row.event.position)
                try await record(row, amount: -event.amount, table: table)
            }
        }
    }

    private static func record(_ row: ProjectionContext, amount: Int, table: String) async throws {
        let name = row.table(table)
        try await row.sql.raw("""
            INSERT INTO \(ident: name) (account, versions, balance)
            VALUES (\(bind: row.event.stream.entityID), \(bind: String(row.event.version)), \(bind: amount))
            ON CONFLICT (account) DO UPDATE SET versions = \(ident: name).versions || ' ' || \(bind: String(row.event.version)),
                balance = \(ident: name).balance + \(bind: amount)
            """).run()
    }

    /// One account's row.
    struct Row: Sendable, Equatable, CustomStringConvertible {
        var account: String
        var versions: String
        var balance: Int

        var description: String { "\(account): [\(versions)] \(balance)" }
    }

    /// The rows a table should hold after the movements, in account order.
    static func expected(after moves: [ReadSideChecks.Move]) -> [Row] {
        Dictionary(grouping: moves, by: \.account).map { account, moves in
            Row(account: account, versions: (1...moves.count).map(String.init).joined(separator: " "), balance: moves.map(\.amount).reduce(0, +))
        }.sorted { $0.account < $1.account }
    }

    /// The rows of a table, in account order.
    static func rows(of table: String, in database: any SQLEventStore) async throws -> [Row] {
        try await database.withReadConnection { sql in
            try await sql.raw("SELECT account, versions, balance FROM \(ident: table) ORDER BY account").all().map {
                Row(
                    account: try $0.decode(column: "account", as: String.self), versions: try $0.decode(column: "versions", as: String.self),
                    balance: try $0.decode(column: "balance", as: Int.self))
            }
        }
    }
}

/// ``AccountHistory`` as one projection, in one partition.
struct AccountHistoryProjection: Projection {
    static let name = "account_history"
    static let version = 1
    static let tables = [AccountHistory.table("account_history")]
    var handlers: EventHandlers<ProjectionContext> { AccountHistory.handlers(table: "account_history", faults: Faults()) }
}

/// A number of partitions, chosen by type.
protocol PartitionCount: Sendable {
    static var count: Int { get }
}

/// Four partitions.
enum FourPartitions: PartitionCount {
    static var count: Int { 4 }
}

/// Three partitions.
enum ThreePartitions: PartitionCount {
    static var count: Int { 3 }
}

/// ``AccountHistory`` in partitions, which it may be: each row is one account's.
struct SplitAccountHistoryProjection<Split: PartitionCount>: Projection {
    static var name: String { "account_history_split" }
    static var version: Int { 1 }
    static var tables: [ProjectionTable] { [AccountHistory.table("account_history_split")] }
    static var ordering: EventOrdering { .perEntity }
    static var partitions: Int { Split.count }
    var faults = Faults()
    var handlers: EventHandlers<ProjectionContext> { AccountHistory.handlers(table: "account_history_split", faults: faults) }
}

/// A partitioned projection that needs the log's global order: refused.
struct GloballyOrderedSplitProjection: Projection {
    static let name = "globally_ordered_split"
    static let version = 1
    static let tables = [AccountHistory.table("globally_ordered_split")]
    static let partitions = 2
    var handlers: EventHandlers<ProjectionContext> { AccountHistory.handlers(table: "globally_ordered_split", faults: Faults()) }
}

/// A reactor in 4 partitions whose handler fails where its faults say, and does nothing else.
struct FaultyPartitionedReactor: Reactor {
    static let name = "faulty-partitions"
    static let ordering = EventOrdering.perEntity
    static let partitions = 4
    let faults: Faults

    var handlers: EventHandlers<ReactionContext> {
        let faults = faults
        return EventHandlers {
            On(Deposited.self) { _, reaction in try await faults.check(reaction.event.position) }
        }
    }
}
