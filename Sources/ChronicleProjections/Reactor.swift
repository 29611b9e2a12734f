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
///   receipt is recorded, or, on several nodes, when an effect outlasts a quarter of a lease
///   and its node loses the lease meanwhile (an effect starts only while the lease is sure to
///   last that long). Pass ``ReactionContext/idempotencyKey`` to systems that can discard
///   repeats.
public protocol Reactor: Sendable {
    /// The reactor's stable name: the key of its checkpoint and receipts.
    static var name: String { get }

    /// What it does for each event type it cares about.
    var handlers: EventHandlers<ReactionContext> { get }

    /// What the read side does when a handler keeps failing at an event: ``ErrorPolicy/stop``
    /// unless the reactor says otherwise.
    static var errorPolicy: ErrorPolicy { get }

    /// The order the reactor needs: ``EventOrdering/global`` unless it says it needs only each
    /// entity's own order (``EventOrdering/perEntity``), which lets it be partitioned.
    static var ordering: EventOrdering { get }

    /// Into how many partitions its events are split, by a stable hash of their entity's id:
    /// 1 (not partitioned) unless the reactor says more.
    ///
    /// Each partition has its own checkpoint and its own lease, so the nodes of a cluster share
    /// the partitions out and run them side by side; each entity's events stay in order within
    /// its partition. A partitioned reactor must declare ``EventOrdering/perEntity``: ``ReadSide/run()``
    /// refuses one that needs the global order. Every node must declare the same number; when
    /// the number changes, the partitions start again from the lowest checkpoint, and the
    /// receipts keep each effect from running twice.
    ///
    /// ```swift
    /// struct InvitationMailer: Reactor {
    ///     static let name = "invitation-mailer"
    ///     static let ordering = EventOrdering.perEntity
    ///     static let partitions = 4
    ///     // …
    /// }
    /// ```
    static var partitions: Int { get }
}

extension Reactor {
    /// ``ErrorPolicy/stop``: an event is never passed over unless an operator decides so.
    public static var errorPolicy: ErrorPolicy { .stop }

    /// ``EventOrdering/global``: the safe default for a reactor that does not say.
    public static var ordering: EventOrdering { .global }

    /// 1: not partitioned.
    public static var partitions: Int { 1 }
}
