public import Chronicle

/// Typed, asynchronous event handlers: how a projection or a reactor responds to each event
/// type it cares about. Events of other types are passed over.
///
/// ```swift
/// var handlers: EventReactions<ProjectionContext> {
///     EventReactions {
///         Handle(MeetingScheduled.self) { event, context in … }
///         Handle(MeetingCancelled.self) { event, context in … }
///     }
/// }
/// ```
public struct EventReactions<Context>: Sendable {
    private let reactions: [String: EventReaction<Context>]

    /// The event types handled, by their stored names; the registry decodes them.
    public let registry: EventTypeRegistry

    /// Creates handlers from ``Handle`` entries.
    ///
    /// - Precondition: No event type has two handlers.
    public init(coder: EventCoder = .default, @EventReactionsBuilder<Context> _ content: () -> [EventReaction<Context>]) {
        var reactions: [String: EventReaction<Context>] = [:]
        var registry = EventTypeRegistry(coder: coder)
        for reaction in content() {
            precondition(reactions[reaction.eventType] == nil, "Event type \"\(reaction.eventType)\" has two handlers.")
            reactions[reaction.eventType] = reaction
            reaction.register(&registry)
        }
        self.reactions = reactions
        self.registry = registry
    }

    /// The handled event types' names.
    public var eventTypes: Set<String> { Set(reactions.keys) }

    /// Whether events of a type are handled.
    public func handles(_ eventType: String) -> Bool {
        reactions[eventType] != nil
    }

    /// Decodes a recorded event and runs its handler; does nothing for types not handled.
    ///
    /// - Throws: The decoding error (`EventStoreError`) or the handler's error.
    public func handle(_ event: RecordedEvent, _ context: Context) async throws {
        guard let reaction = reactions[event.eventType] else { return }
        try await reaction.body(registry.decode(event), context)
    }
}

/// One handler of ``EventReactions``, whatever its event type; made by ``Handle``.
public struct EventReaction<Context>: Sendable {
    let eventType: String
    let register: @Sendable (inout EventTypeRegistry) -> Void
    let body: @Sendable (any Event, Context) async throws -> Void
}

/// One entry of ``EventReactions``: an event type and what to do with each event of it.
///
/// ```swift
/// Handle(InvitationAccepted.self) { event, row in
///     try await row.sql.raw("UPDATE \(ident: row.table("meetings")) SET attendees = attendees + 1 WHERE id = \(bind: row.event.stream.entityID)").run()
/// }
/// ```
public struct Handle<Context, E: Event>: Sendable {
    let reaction: EventReaction<Context>

    /// Handles events of type `E`.
    public init(_ type: E.Type, _ body: @escaping @Sendable (E, Context) async throws -> Void) {
        self.reaction = EventReaction(
            eventType: E.eventType,
            register: { $0.register(E.self) },
            body: { event, context in
                if let event = event as? E { try await body(event, context) }
            })
    }
}

/// Builds ``EventReactions`` from ``Handle`` entries.
@resultBuilder
public enum EventReactionsBuilder<Context>: Sendable {
    /// An entry.
    public static func buildExpression<E: Event>(_ entry: Handle<Context, E>) -> [EventReaction<Context>] {
        [entry.reaction]
    }

    /// The entries in order.
    public static func buildBlock(_ components: [EventReaction<Context>]...) -> [EventReaction<Context>] {
        components.flatMap { $0 }
    }
}
