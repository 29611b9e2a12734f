/// Where snapshots are kept: Chronicle's stores keep them beside the events.
///
/// `InMemoryEventStore`, `SQLiteEventStore` and `PostgresEventStore` are snapshot stores too;
/// pass the event store as both to ``Aggregates``.
public protocol SnapshotStore: Sendable {
    /// The entity's newest snapshot, or `nil`.
    func snapshot(of stream: StreamName) async throws -> Snapshot?

    /// Keeps a snapshot as the entity's newest unless a snapshot with the same schema and a
    /// higher version is already kept.
    ///
    /// An entity id has one snapshot, whatever the entity type it is saved under; it is found
    /// under that type only.
    ///
    /// - Throws: ``EventStoreError/Code/invalidInput`` for a snapshot no store keeps (see
    ///   `Snapshot.check()`: a version below 1, state that is not storable JSON), on every
    ///   store alike; or the store's error.
    func saveSnapshot(_ snapshot: Snapshot) async throws

    /// Deletes the snapshots of one entity type, or of all when `entityType` is `nil`.
    func deleteSnapshots(entityType: String?) async throws
}
