/// The state of one entity, folded from its events: the model commands decide against.
///
/// An aggregate starts from ``init()`` (an entity without events) and changes only by applying
/// its events, through small typed handlers declared in ``handlers``. It holds what commands
/// need to enforce the entity's rules, nothing more.
///
/// ```swift
/// struct Meeting: Aggregate {
///     static let entityType = "meeting"
///     enum Status: Sendable { case new, scheduled, cancelled }
///
///     var status = Status.new
///     var invitees: Set<Int> = []
///     var attendees: Set<Int> = []
///
///     static let handlers = EventHandlers<Meeting> {
///         On(MeetingScheduled.self) { event, meeting in
///             meeting.status = .scheduled
///             meeting.invitees = Set(event.inviteeIDs)
///         }
///         On(InvitationAccepted.self) { event, meeting in meeting.attendees.insert(event.userID) }
///         On(MeetingCancelled.self) { _, meeting in meeting.status = .cancelled }
///     }
/// }
/// ```
///
/// Every event type found in the entity's stream must have a handler (or be listed with
/// ``Ignore``): an event the aggregate does not know is an error, never silently skipped.
public protocol Aggregate: EventSourcedEntity, Sendable {
    /// The state of an entity that has no events yet.
    init()

    /// How each of the aggregate's event types changes its state.
    static var handlers: EventHandlers<Self> { get }
}
