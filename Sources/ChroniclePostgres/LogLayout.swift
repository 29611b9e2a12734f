/// How the log's table is laid out, which decides how an append reads an entity's newest
/// version: from a single table, whose unique `(entity_id, version)` index refuses a second
/// writer of a version; or from a table partitioned by position (``LogPartitions``), which can
/// have no such index, under the entity's transaction lock (`chronicle_lock_entity_head`).
protocol LogLayout: Sendable {
    /// A query of the `version` and `entity_type` of the newest event of the entity whose id
    /// is the SQL expression `entityID`; no row for an entity without events.
    static func newestEvent(of entityID: String) -> String
}

/// The log in one table (the default).
enum SingleTableLog: LogLayout {
    static func newestEvent(of entityID: String) -> String {
        "SELECT version, entity_type FROM chronicle_events WHERE entity_id = \(entityID) ORDER BY version DESC LIMIT 1"
    }
}

/// The log partitioned by position range: the entity's lock first, then its newest event, as
/// committed when the lock was granted.
enum PartitionedLog: LogLayout {
    static func newestEvent(of entityID: String) -> String {
        "SELECT version, entity_type FROM chronicle_lock_entity_head(\(entityID))"
    }
}
