public import Chronicle

/// A side effect that follows the log: mail, webhooks, analytics, commands on other entities.
///
/// Reactors run after commit, from the durable log, at least once. When an effect is done its
/// receipt is recorded, so a retry or a restart does not repeat it; the event's id is handed to
/// the effect as an idempotency key for the outside world. A reactor sees only events appended
/// after it was first registered, and never runs during a replay or a rebuild: only its own
/// runner calls it.
///
/// ```swift
/// struct InvitationMailer: Reactor {
///     static let name = "invitation-mailer"
///     let mail: MailClient
///
///     var handlers: EventHandlers<ReactionContext> {
///         EventHandlers {
///             On(MeetingScheduled.self) { event, reaction in
///                 for invitee in event.inviteeIDs {
///                     try await mail.send(to: invitee, subject: event.title, idempotencyKey: reaction.idempotencyKey)
///                 }
///             }
///         }
///     }
/// }
/// ```
///
/// - Important: An effect may run again when the process stops after the effect but before its
///   receipt is recorded. Pass ``ReactionContext/idempotencyKey`` to systems that can discard
///   repeats.
public protocol Reactor: Sendable {
    /// The reactor's stable name: the key of its checkpoint and receipts.
    static var name: String { get }

    /// What it does for each event type it cares about.
    var handlers: EventHandlers<ReactionContext> { get }

    /// What the read side does when a handler keeps failing at an event: ``ErrorPolicy/stop``
    /// unless the reactor says otherwise.
    static var errorPolicy: ErrorPolicy { get }
}

extension Reactor {
    /// ``ErrorPolicy/stop``: an event is never passed over unless an operator decides so.
    public static var errorPolicy: ErrorPolicy { .stop }
}
