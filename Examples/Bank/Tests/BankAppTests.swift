import Bank
import ChronicleProjections
import Foundation
import Testing

@Suite("Bank: the app on SQLite")
struct BankAppTests {
    @Test func keepsBalancesAndRaisesAlertsOnce() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bank-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await EventSourcedApp.bank(url: "sqlite:\(path)") { app in
            try await app.migrate()
            let account = EntityID<Account>("acct-1")
            try await app.execute(OpenAccount(holder: "Ada"), on: account)
            try await app.execute(Deposit(amount: 250_000), on: account)
            try await app.execute(Withdraw(amount: 150_000), on: account)
            try await app.execute(Withdraw(amount: 500), on: account)
            #expect(try await app.balance(of: account) == 99_500, "the inline projection is current when execute returns")

            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await app.run() }
                let caughtUp = try await app.readSide.waitUntilCaughtUp(timeout: .seconds(30))
                group.cancelAll()
                #expect(caughtUp)
            }
            let alerts = try await app.read { sql in
                try await sql.select().columns("account", "amount", "balance_after").from("alerts").all().map {
                    [try $0.decode(column: "account", as: String.self), "\(try $0.decode(column: "amount", as: Int.self))",
                     "\(try $0.decode(column: "balance_after", as: Int.self))"]
                }
            }
            #expect(alerts == [["acct-1", "150000", "100000"]], "one alert, with the balance as of the withdrawal, not as of now")

            try await app.readSide.rebuild(BalancesProjection.self, mode: .offline)
            #expect(try await app.balance(of: account) == 99_500)
            #expect(try await app.read { sql in try await sql.select().column(SQLFunction("count", args: SQLLiteral.all)).from("alerts").first(decodingColumn: "count(*)", as: Int.self) } == 1,
                    "a rebuild runs no reactor")
        }
    }
}
