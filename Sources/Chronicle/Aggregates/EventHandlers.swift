/// The typed event handlers of an aggregate, and the event types they decode.
///
/// Built from ``On`` and ``Ignore`` entries; see ``Aggregate`` for an example.
public struct EventHandlers<State>: Sendable {
    private let handlers: [String: EventHandler<State>]

    /// The event types the handlers decode, by their stored names.
    public let registry: EventTypeRegistry

    /// Creates the handlers of an aggregate.
    ///
    /// - Precondition: No event type has two handlers.
    public init(coder: EventCoder = .default, @EventHandlersBuilder<State> _ content: () -> [EventHandler<State>]) {
        var handlers: [String: EventHandler<State>] = [:]
        var registry = EventTypeRegistry(coder: coder)
        for handler in content() {
            precondition(handlers[handler.eventType] == nil, "Event type \"\(handler.eventType)\" has two handlers in \(State.self).")
            handlers[handler.eventType] = handler
            handler.register(&registry)
        }
        self.handlers = handlers
        self.registry = registry
    }

    /// Applies a typed event to a state.
    ///
    /// - Throws: ``EventStoreError/Code/unknownEventType`` when no handler takes the event's type.
    public func apply(_ event: any Event, to state: inout State) throws {
        let eventType = type(of: event).eventType
        guard let handler = handlers[eventType] else {
            throw EventStoreError(
                code: .unknownEventType,
                message: "\(State.self) has no handler for events of type \"\(eventType)\"; add On(\(type(of: event)).self) or Ignore(\(type(of: event)).self) to its handlers.")
        }
        handler.apply(&state, event)
    }

    /// Decodes a recorded event and applies it to a state.
    ///
    /// - Throws: ``EventStoreError`` when the event's type has no handler or its data does not
    ///   decode (see ``EventTypeRegistry/decode(_:)``).
    public func apply(_ event: RecordedEvent, to state: inout State) throws {
        guard handlers[event.eventType] != nil else {
            throw EventStoreError(
                code: .unknownEventType,
                message: "Event \(event.position) of \(event.stream) has type \"\(event.eventType)\", which \(State.self) does not handle; add a handler or Ignore it.",
                stream: event.stream, eventID: event.id, position: event.position)
        }
        try apply(registry.decode(event), to: &state)
    }
}

/// One entry of ``EventHandlers``: an event type and what it does to the state.
public struct EventHandler<State>: Sendable {
    let eventType: String
    let register: @Sendable (inout EventTypeRegistry) -> Void
    let apply: @Sendable (inout State, any Event) -> Void
}

/// Builds ``EventHandlers`` from ``On`` and ``Ignore`` entries.
@resultBuilder
public enum EventHandlersBuilder<State>: Sendable {
    /// A handler.
    public static func buildExpression<E: Event>(_ entry: On<State, E>) -> [EventHandler<State>] {
        [entry.handler]
    }

    /// An ignored event type.
    public static func buildExpression<E: Event>(_ entry: Ignore<E>) -> [EventHandler<State>] {
        [EventHandler(eventType: E.eventType, register: { $0.register(E.self) }, apply: { _, _ in })]
    }

    /// The entries in order.
    public static func buildBlock(_ components: [EventHandler<State>]...) -> [EventHandler<State>] {
        components.flatMap { $0 }
    }
}

/// How one event type changes an aggregate's state.
///
/// ```swift
/// On(InvitationAccepted.self) { meeting, event in meeting.attendees.insert(event.userID) }
/// ```
public struct On<State, E: Event>: Sendable {
    let handler: EventHandler<State>

    /// A handler for events of type `E`.
    public init(_ type: E.Type, _ apply: @escaping @Sendable (inout State, E) -> Void) {
        self.handler = EventHandler(
            eventType: E.eventType,
            register: { $0.register(E.self) },
            apply: { state, event in
                if let event = event as? E { apply(&state, event) }
            })
    }
}

/// An event type an aggregate knows but that does not change its state.
///
/// ```swift
/// Ignore(MeetingNoteAdded.self)
/// ```
public struct Ignore<E: Event>: Sendable {
    /// Ignores events of type `E`.
    public init(_ type: E.Type) {}
}
