/// What executing a command did.
///
/// ```swift
/// let result = try await aggregates.execute(AcceptInvitation(userID: 7), on: meetingID)
/// result.events      // the recorded events; empty when nothing changed
/// result.version     // the entity's version now
/// result.position    // the last event's position: a consistency token for read models
/// result.state       // the aggregate after the events
/// ```
public struct CommandResult<A: Aggregate>: Sendable {
    /// The events the command appended, with their positions; empty when nothing changed.
    public var events: [RecordedEvent]

    /// The entity's state after the events.
    public var state: A

    /// The entity's version after the events.
    public var version: Int

    /// How many times the command was decided: more than 1 when other writers changed the entity
    /// between loading and appending and the command was decided again on the newer state.
    public var attempts: Int

    /// Creates a result.
    public init(events: [RecordedEvent], state: A, version: Int, attempts: Int) {
        self.events = events
        self.state = state
        self.version = version
        self.attempts = attempts
    }

    /// The position of the last appended event, or `nil` when nothing was appended.
    public var position: Int64? { events.last?.position }
}
