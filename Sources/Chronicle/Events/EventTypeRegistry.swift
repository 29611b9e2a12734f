/// The event types a program knows, by their stored names: decodes recorded events to Swift.
///
/// ```swift
/// let registry = EventTypeRegistry([MeetingScheduled.self, MeetingCancelled.self])
/// for event in try await store.readStream(stream) {
///     switch try registry.decode(event) {
///     case let scheduled as MeetingScheduled: print(scheduled.title)
///     default: break
///     }
/// }
/// ```
///
/// Decoding fails with a clear ``EventStoreError`` rather than skipping: an unregistered type
/// (``EventStoreError/Code/unknownEventType``), a stored schema version the Swift type does not
/// decode (``EventStoreError/Code/schemaVersionMismatch``), or data that does not match the type
/// (``EventStoreError/Code/undecodableEvent``). The raw ``RecordedEvent`` stays readable.
public struct EventTypeRegistry: Sendable {
    private struct Entry: Sendable {
        let typeName: String
        let schemaVersion: Int
        let decode: @Sendable (RecordedEvent, EventCoder) throws -> any Event
    }

    private var entries: [String: Entry] = [:]
    private let coder: EventCoder

    /// Creates a registry of the given types.
    ///
    /// - Parameters:
    ///   - types: The event types to register.
    ///   - coder: The JSON coder that decodes event data.
    /// - Precondition: No two different types share an event type name.
    public init(_ types: [any Event.Type] = [], coder: EventCoder = .default) {
        self.coder = coder
        for type in types {
            register(type)
        }
    }

    /// Registers an event type under its ``Event/eventType``.
    ///
    /// Registering the same type again does nothing.
    /// - Precondition: No other type is registered under the same name.
    public mutating func register<E: Event>(_ type: E.Type) {
        let typeName = String(reflecting: E.self)
        if let existing = entries[E.eventType] {
            precondition(
                existing.typeName == typeName,
                "Event type \"\(E.eventType)\" is registered twice: by \(existing.typeName) and by \(typeName).")
            return
        }
        entries[E.eventType] = Entry(typeName: typeName, schemaVersion: E.schemaVersion) { recorded, coder in
            try coder.decode(E.self, from: recorded.data)
        }
    }

    /// The registered event type names, sorted.
    public var eventTypes: [String] { entries.keys.sorted() }

    /// Whether an event type name is registered.
    public func contains(_ eventType: String) -> Bool {
        entries[eventType] != nil
    }

    /// Decodes a recorded event to the Swift type registered under its event type.
    ///
    /// - Throws: ``EventStoreError`` with ``EventStoreError/Code/unknownEventType``,
    ///   ``EventStoreError/Code/schemaVersionMismatch`` or ``EventStoreError/Code/undecodableEvent``.
    public func decode(_ event: RecordedEvent) throws -> any Event {
        guard let entry = entries[event.eventType] else {
            throw EventStoreError(
                code: .unknownEventType,
                message: "Event \(event.position) of \(event.stream) has type \"\(event.eventType)\", which is not registered. Known types: \(eventTypes.joined(separator: ", ")).",
                stream: event.stream, eventID: event.id, position: event.position)
        }
        guard entry.schemaVersion == event.schemaVersion else {
            throw EventStoreError(
                code: .schemaVersionMismatch,
                message: "Event \(event.position) of \(event.stream) (\(event.eventType)) is stored at schema version \(event.schemaVersion), but \(entry.typeName) decodes version \(entry.schemaVersion).",
                stream: event.stream, eventID: event.id, position: event.position)
        }
        do {
            return try entry.decode(event, coder)
        } catch {
            throw EventStoreError(
                code: .undecodableEvent,
                message: "Event \(event.position) of \(event.stream) (\(event.eventType)) does not decode as \(entry.typeName).",
                stream: event.stream, eventID: event.id, position: event.position, underlying: error)
        }
    }
}
