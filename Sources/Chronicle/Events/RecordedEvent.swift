public import Foundation

/// An event as stored in the log, with its place in it.
///
/// The ``position`` orders all events of the store (the global log that projections follow);
/// the ``version`` orders the events of one entity, starting at 1. Reading never decodes the
/// data: a recorded event of a type the program does not know is still readable, and
/// ``EventTypeRegistry/decode(_:)`` turns it into a typed ``Event`` when the type is known.
///
/// ```swift
/// for event in try await store.readStream(stream) {
///     print(event.version, event.eventType, event.metadata.createdAt!)
/// }
/// ```
public struct RecordedEvent: Hashable, Sendable {
    /// The global position in the log: increasing, unique, assigned by the store.
    public var position: Int64

    /// The event's unique id.
    public var id: UUID

    /// The entity the event belongs to.
    public var stream: StreamName

    /// The entity's version after this event: 1 for its first event.
    public var version: Int

    /// The stable event type name.
    public var eventType: String

    /// The version of the data's JSON shape as stored.
    public var schemaVersion: Int

    /// The event's metadata; ``EventMetadata/createdAt`` is always set.
    public var metadata: EventMetadata

    /// The event's data: UTF-8 JSON text of an object.
    public var data: Data

    /// Creates a recorded event. Stores create these; application code reads them.
    public init(
        position: Int64,
        id: UUID,
        stream: StreamName,
        version: Int,
        eventType: String,
        schemaVersion: Int,
        metadata: EventMetadata,
        data: Data
    ) {
        self.position = position
        self.id = id
        self.stream = stream
        self.version = version
        self.eventType = eventType
        self.schemaVersion = schemaVersion
        self.metadata = metadata
        self.data = data
    }

    /// When the event was recorded.
    public var createdAt: Date { metadata.createdAt ?? Date(timeIntervalSince1970: 0) }

    /// Decodes the data as the given event type, without checking the type name.
    ///
    /// Prefer ``EventTypeRegistry/decode(_:)``, which picks the type from ``eventType`` and checks
    /// the schema version.
    /// - Throws: A `DecodingError` naming the field that did not match.
    public func decode<E: Event>(as type: E.Type, coder: EventCoder = .default) throws -> E {
        try coder.decode(type, from: data)
    }
}
