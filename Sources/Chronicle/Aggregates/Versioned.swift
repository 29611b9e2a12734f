/// An aggregate's state together with the version it was folded up to.
///
/// The version is what an append after deciding on this state expects.
///
/// ```swift
/// let meeting = try await aggregates.load(Meeting.self, id: id)
/// meeting.state.status    // .scheduled
/// meeting.version         // 3: the meeting has three events
/// ```
public struct Versioned<A: Aggregate>: Sendable {
    /// The entity's id.
    public var id: EntityID<A>

    /// The state after the events up to ``version``.
    public var state: A

    /// How many of the entity's events the state includes; 0 for an entity without events.
    public var version: Int

    /// Creates a versioned state.
    public init(id: EntityID<A>, state: A, version: Int) {
        self.id = id
        self.state = state
        self.version = version
    }

    /// Whether the entity has events.
    public var exists: Bool { version > 0 }
}
