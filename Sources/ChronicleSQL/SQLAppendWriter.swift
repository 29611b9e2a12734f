public import Chronicle

/// An `AppendWriter` on a SQL database: its savepoints are SQL statements, so the driver
/// supplies only a way to run one, and gets `withSavepoint(in:_:)`.
///
/// ```swift
/// extension MyEventStore: SQLAppendWriter {
///     func execute(_ statement: String, in transaction: MyTransaction) async throws {
///         try await transaction.connection.run(statement)
///     }
/// }
/// ```
public protocol SQLAppendWriter: AppendWriter {
    /// Runs a statement that returns no rows (`SAVEPOINT`, `RELEASE SAVEPOINT`, `ROLLBACK TO
    /// SAVEPOINT`) in the transaction.
    func execute(_ statement: String, in transaction: Transaction) async throws
}

extension SQLAppendWriter {
    /// Runs work in a savepoint of the transaction: released when the work returns, rolled back
    /// to (and released) when it throws, so that the transaction goes on without what the work
    /// did.
    public func withSavepoint<Result: Sendable>(
        in transaction: Transaction, _ work: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        try await execute("SAVEPOINT chronicle_append", in: transaction)
        do {
            let result = try await work()
            try await execute("RELEASE SAVEPOINT chronicle_append", in: transaction)
            return result
        } catch {
            try? await execute("ROLLBACK TO SAVEPOINT chronicle_append", in: transaction)
            try? await execute("RELEASE SAVEPOINT chronicle_append", in: transaction)
            throw error
        }
    }
}
