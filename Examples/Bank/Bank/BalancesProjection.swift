public import ChronicleProjections

/// One row per account: its holder and balance, current when a command returns (inline).
public struct BalancesProjection: Projection {
    /// The projection's name: `balances`.
    public static let name = "balances"
    /// The version of its handlers and table.
    public static let version = 1
    /// One table, `balances`.
    public static let tables = [
        ProjectionTable("balances", ["CREATE TABLE {table} (account TEXT PRIMARY KEY, holder TEXT NOT NULL, balance INTEGER NOT NULL)"])
    ]

    /// The projection.
    public init() {}

    /// A row per opening, updated by deposits and withdrawals.
    public var handlers: EventHandlers<ProjectionContext> {
        EventHandlers {
            On(AccountOpened.self) { event, row in
                try await row.upsert(
                    into: "balances", key: ["account": .text(row.event.stream.entityID)],
                    values: ["holder": .text(event.holder), "balance": .integer(0)])
            }
            On(MoneyDeposited.self) { event, row in
                try await row.sql.raw("""
                    UPDATE \(ident: row.table("balances")) SET balance = balance + \(bind: event.amount)
                    WHERE account = \(bind: row.event.stream.entityID)
                    """).run()
            }
            On(MoneyWithdrawn.self) { event, row in
                try await row.sql.raw("""
                    UPDATE \(ident: row.table("balances")) SET balance = balance - \(bind: event.amount)
                    WHERE account = \(bind: row.event.stream.entityID)
                    """).run()
            }
        }
    }
}
