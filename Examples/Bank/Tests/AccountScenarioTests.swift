import Bank
import ChronicleSQLite
import ChronicleTesting
import Testing

@Suite("Bank: account scenarios")
struct AccountScenarioTests {
    @Test func withdrawsWhatTheBalanceCovers() async throws {
        try await Scenario(Account.self)
            .given(AccountOpened(holder: "Ada"), MoneyDeposited(amount: 5_000))
            .when(Withdraw(amount: 3_000))
            .then(MoneyWithdrawn(amount: 3_000))
    }

    @Test func refusesAnOverdraft() async throws {
        try await Scenario(Account.self, in: SQLiteEventStore.withTemporaryStore)
            .given(AccountOpened(holder: "Ada"), MoneyDeposited(amount: 5_000))
            .when(Withdraw(amount: 5_001))
            .thenFails(with: BankError.insufficientFunds)
    }
}
