/// The name of one entity's stream of events: its entity type and its id.
///
/// Entity ids are unique across the whole store (the events table has a unique index on
/// `(entity_id, version)`), so the entity type is a check rather than part of the key:
/// appending to `user/42` when `meeting/42` exists fails with
/// ``EventStoreError/Code/entityTypeMismatch``.
///
/// ```swift
/// let stream = StreamName(entityType: "meeting", entityID: "42")
/// print(stream)  // meeting/42
/// ```
public struct StreamName: Hashable, Sendable, CustomStringConvertible {
    /// The kind of entity, stored in the `entity_type` column.
    public var entityType: String

    /// The entity's identifier, stored in the `entity_id` column.
    public var entityID: String

    /// Creates a stream name from an entity type and id.
    public init(entityType: String, entityID: String) {
        self.entityType = entityType
        self.entityID = entityID
    }

    /// Creates the stream name of a typed entity id.
    public init<Entity: EventSourcedEntity>(_ id: EntityID<Entity>) {
        self.init(entityType: Entity.entityType, entityID: id.rawValue)
    }

    /// `entityType/entityID`, for example `meeting/42`.
    public var description: String { "\(entityType)/\(entityID)" }
}
