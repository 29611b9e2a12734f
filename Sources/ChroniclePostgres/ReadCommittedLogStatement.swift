import Chronicle
import PostgresNIO

/// A batch of every committed event after a position, without the in-flight guard of
/// ``ReadLogStatement``: only for callers that hold the exclusive locks of the projections they
/// apply the events to.
struct ReadCommittedLogStatement: PostgresPreparedStatement {
    static let sql = """
        SELECT \(RecordedEvent.postgresColumns) FROM events
        WHERE position > $1::bigint
        ORDER BY position LIMIT $2::bigint
        """

    typealias Row = RecordedEvent

    var after: Int64
    var limit: Int

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
