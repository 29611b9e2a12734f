import ChronicleMigrations
import Testing

@Suite("The store's reserved names")
struct StoreSchemaTests {
    @Test(arguments: [
        "INSERT INTO chronicle_events (position) VALUES (1)",
        "insert into Chronicle_Events (position) values (1)",
        #"UPDATE "CHRONICLE_PROJECTIONS" SET position = 0"#,
        "SELECT 1; DROP TABLE chronicle_snapshots",
        "ALTER TABLE accounts RENAME TO chronicle_accounts",
        "CREATE INDEX chronicle_mine ON accounts (id)",
        "DELETE FROM main.chronicle_events",
    ])
    func refusesStatementsThatWriteTheStore(_ sql: String) {
        #expect(StoreSchema.writesToStore(sql), "\(sql)")
    }

    @Test(arguments: [
        "INSERT INTO accounts (id, balance) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET balance = accounts.balance + excluded.balance",
        "SELECT count(*) FROM chronicle_events",
        "INSERT INTO notes (text) VALUES ('chronicle_events is the log')",
        "UPDATE accounts SET balance = 0 -- not chronicle_events",
        "CREATE TABLE chronicleevents (id int)",
        "",
    ])
    func letsOtherStatementsThrough(_ sql: String) {
        #expect(!StoreSchema.writesToStore(sql), "\(sql)")
    }
}
