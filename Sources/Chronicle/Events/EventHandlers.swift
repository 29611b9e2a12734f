/// What to do with each event type: the one dispatch table of aggregates, projections and
/// reactors.
///
/// Built from ``On`` and ``Ignore`` entries. Each ``On`` entry decodes events of its type and
/// runs its body with the event and the context: an aggregate's state (which the body changes),
/// a projection's `ProjectionContext`, a reactor's `ReactionContext`.
///
/// ```swift
/// static let handlers = EventHandlers<Meeting> {
///     On(MeetingScheduled.self) { event, meeting in meeting.status = .scheduled }
///     Ignore(MeetingNoteAdded.self)
/// }
///
/// var handlers: EventHandlers<ProjectionContext> {
///     EventHandlers {
///         On(MeetingScheduled.self) { event, row in try await row.sql.raw("INSERT …").run() }
///     }
/// }
/// ```
///
/// An aggregate must handle (or ignore) every event type of its streams: `apply(_:to:)` throws
/// for any other. A projection or reactor passes over the types it does not handle
/// (``handle(_:_:)``).
public struct EventHandlers<Context>: Sendable {
    private let handlers: [String: EventHandler<Context>]

    /// The event types the handlers decode, by their stored names.
    public let registry: EventTypeRegistry

    /// Creates a table from ``On`` and ``Ignore`` entries.
    ///
    /// - Precondition: No event type has two entries.
    public init(coder: EventCoder = .default, @EventHandlersBuilder<Context> _ content: () -> [EventHandler<Context>]) {
        var handlers: [String: EventHandler<Context>] = [:]
        var registry = EventTypeRegistry(coder: coder)
        for handler in content() {
            precondition(handlers[handler.eventType] == nil, "Event type \"\(handler.eventType)\" has two handlers for \(Context.self).")
            handlers[handler.eventType] = handler
            handler.register(&registry)
        }
        self.handlers = handlers
        self.registry = registry
    }

    /// The names of the event types with an entry, ignored ones included.
    public var eventTypes: Set<String> { Set(handlers.keys) }

    /// Whether events of a type have an entry.
    public func handles(_ eventType: String) -> Bool {
        handlers[eventType] != nil
    }

    /// Runs the entry of a typed event, changing the context (an aggregate's state).
    ///
    /// - Throws: ``EventStoreError/Code/unknownEventType`` when no entry takes the event's type,
    ///   or the entry's error.
    public func apply(_ event: any Event, to context: inout Context) async throws {
        let eventType = type(of: event).eventType
        guard let handler = handlers[eventType] else {
            throw EventStoreError(
                code: .unknownEventType,
                message: "\(Context.self) has no handler for events of type \"\(eventType)\"; add On(\(type(of: event)).self) or Ignore(\(type(of: event)).self) to its handlers.")
        }
        try await handler.body(event, &context)
    }

    /// Decodes a recorded event and runs its entry, changing the context (an aggregate's state).
    ///
    /// - Throws: ``EventStoreError`` when the event's type has no entry or its data does not
    ///   decode (see ``EventTypeRegistry/decode(_:)``), or the entry's error.
    public func apply(_ event: RecordedEvent, to context: inout Context) async throws {
        guard handlers[event.eventType] != nil else {
            throw EventStoreError(
                code: .unknownEventType,
                message: "Event \(event.position) of \(event.stream) has type \"\(event.eventType)\", which \(Context.self) does not handle; add a handler or Ignore it.",
                stream: event.stream, eventID: event.id, position: event.position)
        }
        try await apply(registry.decode(event), to: &context)
    }

    /// Decodes a recorded event and runs its entry with a context (a projection's or reactor's);
    /// does nothing for types without an entry.
    ///
    /// - Throws: The decoding error (`EventStoreError`) or the entry's error.
    public func handle(_ event: RecordedEvent, _ context: Context) async throws {
        guard let handler = handlers[event.eventType] else { return }
        var context = context
        try await handler.body(registry.decode(event), &context)
    }
}

/// One entry of ``EventHandlers``, whatever its event type; made by ``On`` or ``Ignore``.
public struct EventHandler<Context>: Sendable {
    let eventType: String
    let register: @Sendable (inout EventTypeRegistry) -> Void
    let body: @Sendable (any Event, inout Context) async throws -> Void
}

/// Builds ``EventHandlers`` from ``On`` and ``Ignore`` entries.
@resultBuilder
public enum EventHandlersBuilder<Context>: Sendable {
    /// A handled event type.
    public static func buildExpression<E: Event>(_ entry: On<Context, E>) -> [EventHandler<Context>] {
        [entry.handler]
    }

    /// An ignored event type.
    public static func buildExpression<E: Event>(_ entry: Ignore<E>) -> [EventHandler<Context>] {
        [EventHandler(eventType: E.eventType, register: { $0.register(E.self) }, body: { _, _ in })]
    }

    /// The entries in order.
    public static func buildBlock(_ components: [EventHandler<Context>]...) -> [EventHandler<Context>] {
        components.flatMap { $0 }
    }
}

/// What one event type does: to an aggregate's state, or through a projection's or reactor's
/// context.
///
/// ```swift
/// On(InvitationAccepted.self) { event, meeting in meeting.attendees.insert(event.userID) }
/// On(InvitationAccepted.self) { event, row in
///     try await row.sql.raw("UPDATE \(ident: row.table("meetings")) SET attendees = attendees + 1 WHERE id = \(bind: row.event.stream.entityID)").run()
/// }
/// ```
public struct On<Context, E: Event>: Sendable {
    let handler: EventHandler<Context>

    /// An entry for events of type `E`.
    public init(_ type: E.Type, _ body: @escaping @Sendable (E, inout Context) async throws -> Void) {
        self.handler = EventHandler(
            eventType: E.eventType,
            register: { $0.register(E.self) },
            body: { event, context in
                if let event = event as? E { try await body(event, &context) }
            })
    }
}

/// An event type that is known but changes nothing.
///
/// ```swift
/// Ignore(MeetingNoteAdded.self)
/// ```
public struct Ignore<E: Event>: Sendable {
    /// Ignores events of type `E`.
    public init(_ type: E.Type) {}
}
