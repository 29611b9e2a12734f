/// A request to change one entity, named in the imperative (`ScheduleMeeting`), that validates
/// itself and decides which events happen.
///
/// A command first passes its ``schema`` (field rules, no database), then ``decide(_:context:)``
/// checks the entity's state rules against the loaded aggregate and returns the events. Rules
/// that fail throw: validation throws ``CommandValidationError`` with every failing field, state
/// rules throw the application's own errors (conform them to ``DomainError`` to give them a code).
/// A command that would change nothing returns no events, and nothing is written.
///
/// ```swift
/// struct AcceptInvitation: Command {
///     typealias Target = Meeting
///     var userID: Int
///
///     static let schema = Schema<AcceptInvitation> { Field(\.userID, "user_id") { Positive() } }
///
///     func decide(_ meeting: Meeting, context: CommandContext) throws -> [any Event] {
///         guard meeting.status == .scheduled else { throw MeetingError.notScheduled }
///         guard meeting.invitees.contains(userID) else { throw MeetingError.notInvited }
///         if meeting.attendees.contains(userID) { return [] }          // already accepted
///         return [InvitationAccepted(userID: userID)]
///     }
/// }
/// ```
public protocol Command: Sendable {
    /// The aggregate the command acts on.
    associatedtype Target: Aggregate

    /// The command's field rules. Default: none.
    static var schema: Schema<Self> { get }

    /// Whether the command may act on an entity without events (it creates it). Default: `false`,
    /// so a command on a missing entity fails with ``EventStoreError/Code/entityNotFound``.
    static var createsEntity: Bool { get }

    /// The events that happen when the command is carried out on a state.
    ///
    /// - Parameters:
    ///   - state: The entity's current state (``Aggregate/init()`` for a new entity).
    ///   - context: The command's id, the time, and the request's metadata.
    /// - Returns: The events, in order; empty when nothing changes.
    /// - Throws: An error when a state rule forbids the command.
    func decide(_ state: Target, context: CommandContext) throws -> [any Event]
}

extension Command {
    /// No field rules.
    public static var schema: Schema<Self> { .empty }

    /// Commands act on existing entities unless they say otherwise.
    public static var createsEntity: Bool { false }
}
