public import ChronicleProjections
import ChroniclePostgres
import ChronicleSQLite

/// The bank's own table, beside the projections' tables: alerts the reactor records.
public let bankTables = MigrationSet(
    scope: "bank",
    migrations: [Migration(version: 1, name: "create_alerts", sql: "CREATE TABLE alerts (account TEXT NOT NULL, amount INTEGER NOT NULL, balance_after INTEGER NOT NULL)")])

extension EventSourcedApp {
    /// Opens the bank on a SQLite file or a `postgres://` URL, runs `body`, and closes it.
    public static func bank<Result>(url: String, _ body: (EventSourcedApp) async throws -> Result) async throws -> Result {
        try await with(url: url, drivers: [.sqlite, .postgres]) { store in
            ReadSide(database: store, inline: [BalancesProjection()], reactors: [LargeWithdrawalAlert()], migrations: [bankTables])
        } _: { app in try await body(app) }
    }

    /// An account's balance from the `balances` table, or `nil` for an unknown account.
    public func balance(of account: EntityID<Account>) async throws -> Int? {
        try await read { sql in
            try await sql.select().column("balance").from("balances").where("account", .equal, account.rawValue)
                .first(decodingColumn: "balance", as: Int.self)
        }
    }
}
