import Chronicle
import PostgresNIO

/// A prepared statement that reads a batch of the log: the events after a position, up to a
/// limit. Its `sql` binds the position as `$1` and the limit as `$2`.
protocol LogBatchStatement: PostgresPreparedStatement where Row == RecordedEvent {
    /// Read events after this position.
    var after: Int64 { get }
    /// The most events to read.
    var limit: Int { get }
}

extension LogBatchStatement {
    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(after)
        bindings.append(limit)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> RecordedEvent {
        try RecordedEvent(postgresRow: row)
    }
}
