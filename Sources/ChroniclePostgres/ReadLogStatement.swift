import Chronicle
import PostgresNIO

/// A batch of the global log, as a prepared statement.
///
/// Only events of transactions older than the oldest transaction still running are returned
/// (rule 2 in the migration `0001_create_events.sql`): with the append's ordering of transaction
/// ids and positions, that is what guarantees a reader never skips an event that commits late.
struct ReadLogStatement: PostgresPreparedStatement {
    static let sql = """
        SELECT \(RecordedEvent.postgresColumns) FROM events
        WHERE position > $1::bigint
          AND transaction_id < (SELECT pg_snapshot_xmin(pg_current_snapshot()))
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
