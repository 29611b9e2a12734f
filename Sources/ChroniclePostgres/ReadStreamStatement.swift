import Chronicle
import PostgresNIO

/// A batch of one entity's events in version order, as a prepared statement.
struct ReadStreamStatement: PostgresPreparedStatement {
    static let sql = """
        SELECT \(RecordedEvent.postgresColumns) FROM chronicle_events
        WHERE entity_id = $1::text AND entity_type = $2::text AND version > $3::bigint AND version <= $4::bigint
        ORDER BY version LIMIT $5::bigint
        """

    typealias Row = RecordedEvent

    var stream: StreamName
    var after: Int
    var through: Int
    var limit: Int

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 5)
        bindings.append(stream.entityID)
        bindings.append(stream.entityType)
        bindings.append(after)
        bindings.append(through)
        bindings.append(limit)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> RecordedEvent {
        try RecordedEvent(postgresRow: row)
    }
}
