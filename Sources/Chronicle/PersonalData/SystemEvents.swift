/// The event a store appends when it forgets a subject: projections that copied the subject's
/// personal data into read tables handle it to replace those values.
///
/// It is appended to the entity ``stream(of:)`` in the transaction that deletes the subject's
/// keys. It holds the subject's id and nothing of its data.
public struct SubjectForgotten: Event, Equatable {
    /// `chronicle.subject_forgotten`.
    public static let eventType = "chronicle.subject_forgotten"
    /// The entity type of the entities these events belong to.
    public static let entityType = "chronicle.subject"

    /// The subject whose keys were deleted.
    public var subject: String

    /// Creates the event.
    public init(subject: String) {
        self.subject = subject
    }

    /// The entity a subject's `SubjectForgotten` events belong to: its id is prefixed, so that it
    /// never is the id of an application's entity (`chronicle.subject:42`).
    public static func stream(of subject: String) -> StreamName {
        StreamName(entityType: entityType, entityID: "\(entityType):\(subject)")
    }
}

/// The event a store appends when it archives an entity: its events moved out of the log into
/// `chronicle_archived_events`. Projections handle it to drop the entity's rows.
///
/// It is the entity's last event, appended at the version after its last one with the entity
/// type ``entityType-type.property``, so that nothing more can be appended to that entity id.
public struct StreamArchived: Event, Equatable {
    /// `chronicle.stream_archived`.
    public static let eventType = "chronicle.stream_archived"
    /// The entity type of an archived entity, from its archiving on.
    public static let entityType = "chronicle.archived"

    /// The entity type the entity had.
    public var entityType: String
    /// The entity's id.
    public var entityID: String
    /// How many events were archived.
    public var events: Int

    /// Creates the event.
    public init(entityType: String, entityID: String, events: Int) {
        self.entityType = entityType
        self.entityID = entityID
        self.events = events
    }

    /// The entity the archived events belonged to.
    public var stream: StreamName { StreamName(entityType: entityType, entityID: entityID) }
}

/// The event a store appends when it deletes an entity's events. Projections handle it to drop
/// the entity's rows.
///
/// It is the entity's last event, a tombstone: appended at the version after its last one with
/// the entity type ``entityType-type.property``, so that nothing more can be appended to that
/// entity id.
public struct StreamDeleted: Event, Equatable {
    /// `chronicle.stream_deleted`.
    public static let eventType = "chronicle.stream_deleted"
    /// The entity type of a deleted entity, from its deletion on.
    public static let entityType = "chronicle.deleted"

    /// The entity type the entity had.
    public var entityType: String
    /// The entity's id.
    public var entityID: String
    /// How many events were deleted.
    public var events: Int

    /// Creates the event.
    public init(entityType: String, entityID: String, events: Int) {
        self.entityType = entityType
        self.entityID = entityID
        self.events = events
    }

    /// The entity the deleted events belonged to.
    public var stream: StreamName { StreamName(entityType: entityType, entityID: entityID) }
}
