import NIOCore
import SQLiteNIO

extension SQLiteConnection {
    /// Runs `BEGIN`, `COMMIT` or `ROLLBACK` even when the task is cancelled.
    ///
    /// SQLiteNIO's async `query` does not start work for a cancelled task; a transaction whose
    /// end is skipped stays open on the connection and fails every later `BEGIN`. The
    /// future-based call always runs.
    func runTransactionStatement(_ statement: String) async throws {
        let done: EventLoopFuture<[SQLiteRow]> = query(statement, [])
        _ = try await done.get()
    }
}
