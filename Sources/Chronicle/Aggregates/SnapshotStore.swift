/// Where snapshots are kept: Chronicle's stores keep them beside the events.
///
/// `InMemoryEventStore`, `SQLiteEventStore` and `PostgresEventStore` are snapshot stores too;
/// pass the event store as both to ``Aggregates``.
public protocol SnapshotStore: Sendable {
    /// The entity's newest snapshot, or `nil`.
    func snapshot(of stream: StreamName) async throws -> Snapshot?

    /// Keeps a snapshot as the entity's newest unless a snapshot with the same schema and a
    /// higher version is already kept.
    func saveSnapshot(_ snapshot: Snapshot) async throws

    /// Deletes the snapshots of one entity type, or of all when `entityType` is `nil`.
    func deleteSnapshots(entityType: String?) async throws
}
