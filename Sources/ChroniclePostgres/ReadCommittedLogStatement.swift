import Chronicle
import PostgresNIO

/// A batch of every committed event after a position, without the in-flight guard of
/// ``ReadLogStatement``: only for callers that hold the exclusive locks of the projections they
/// apply the events to.
struct ReadCommittedLogStatement: LogBatchStatement {
    static let sql = """
        SELECT \(RecordedEvent.postgresColumns) FROM chronicle_events
        WHERE position > $1::bigint
        ORDER BY position LIMIT $2::bigint
        """

    var after: Int64
    var limit: Int
}
