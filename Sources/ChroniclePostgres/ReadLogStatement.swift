import Chronicle
import PostgresNIO

/// A batch of the global log, as a prepared statement.
///
/// Only events of transactions older than the oldest transaction still running are returned
/// (rule 2 in the migration `0001_create_events.sql`): with the append's ordering of transaction
/// ids and positions, that is what guarantees a reader never skips an event that commits late.
struct ReadLogStatement: LogBatchStatement {
    static let sql = """
        SELECT \(RecordedEvent.postgresColumns) FROM chronicle_events
        WHERE position > $1::bigint
          AND transaction_id < (SELECT pg_snapshot_xmin(pg_current_snapshot()))
        ORDER BY position LIMIT $2::bigint
        """

    var after: Int64
    var limit: Int
}
