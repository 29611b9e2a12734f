public import ChronicleProjections
import ChroniclePostgres
import ChronicleSQLite

/// The bank's own table, beside the projections' tables: alerts the reactor records.
public let bankTables = MigrationSet(
    scope: "bank",
    migrations: [Migration(version: 1, name: "create_alerts", sql: "CREATE TABLE alerts (account TEXT NOT NULL, amount INTEGER NOT NULL, balance_after INTEGER NOT NULL)")])

extension EventSourcedApp {
    /// Opens the bank on a SQLite file or a `postgres://` URL, runs `body`, and closes it.
    ///
    /// - Parameters:
    ///   - url: The database.
    ///   - pollInterval: How often the async runners look for new events besides the store's
    ///     append notifications.
    ///   - body: The work.
    public static func bank<Result>(
        url: String, pollInterval: Duration = .milliseconds(200), _ body: (EventSourcedApp) async throws -> Result
    ) async throws -> Result {
        var configuration = ReadSide.Configuration()
        configuration.pollInterval = pollInterval
        return try await with(url: url, drivers: [.sqlite, .postgres]) { store in
            ReadSide(
                database: store, inline: [BalancesProjection()], async: [StatementProjection()], reactors: [LargeWithdrawalAlert()],
                migrations: [bankTables], configuration: configuration)
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
