public import ChronicleProjections

/// One row per deposit and withdrawal, in the order of the log: an account's statement. It
/// runs async, so a read that must show a write waits for it (`Chronicle-Min-Position`).
public struct StatementProjection: Projection {
    /// The projection's name: `statement`.
    public static let name = "statement"
    /// The version of its handlers and table.
    public static let version = 1
    /// One table, `statement_entries`.
    public static let tables = [
        ProjectionTable(
            "statement_entries",
            ["CREATE TABLE {table} (position BIGINT PRIMARY KEY, account TEXT NOT NULL, kind TEXT NOT NULL, amount INTEGER NOT NULL)"])
    ]

    /// The projection.
    public init() {}

    /// A row per deposit and withdrawal.
    public var handlers: EventHandlers<ProjectionContext> {
        EventHandlers {
            On(MoneyDeposited.self) { event, row in try await Self.entry(row, kind: "deposit", amount: event.amount) }
            On(MoneyWithdrawn.self) { event, row in try await Self.entry(row, kind: "withdrawal", amount: event.amount) }
            Ignore(AccountOpened.self)
        }
    }

    private static func entry(_ row: ProjectionContext, kind: String, amount: Int) async throws {
        try await row.insert(
            into: "statement_entries", key: ["position": .integer(row.event.position)],
            values: ["account": .text(row.event.stream.entityID), "kind": .text(kind), "amount": .integer(Int64(amount))])
    }
}
