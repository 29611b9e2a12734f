public import Foundation

/// An event about to be appended: its type name, schema version, JSON data and metadata.
///
/// Most code appends typed ``Event`` values and never builds a `NewEvent` by hand. The raw form
/// is for tools that move JSON without knowing the Swift types (imports, replication); its data
/// is checked to be a JSON object before anything is written.
///
/// ```swift
/// let typed = try NewEvent(MeetingScheduled(title: "Retro", startsAt: date))
/// let raw = NewEvent(eventType: "meeting.scheduled", data: Data(#"{"title":"Retro"}"#.utf8))
/// ```
public struct NewEvent: Hashable, Sendable {
    /// The event's unique id. Appending an id that is already stored fails with
    /// ``EventStoreError/Code/duplicateEventID``.
    public var id: UUID

    /// The stable event type name, stored in `event_type`.
    public var eventType: String

    /// The version of the data's JSON shape, 1 or more.
    public var schemaVersion: Int

    /// The event's data: UTF-8 JSON text of an object.
    public var data: Data

    /// The event's metadata. A `nil` ``EventMetadata/createdAt`` is set by the store's clock.
    public var metadata: EventMetadata

    /// Whether `data` came from encoding an ``Event``, so it is known to be valid JSON.
    package var isEncodedByChronicle: Bool

    /// Creates a raw event from JSON data.
    ///
    /// - Parameters:
    ///   - id: The event id; a random UUID by default.
    ///   - eventType: The event type name, for example `"meeting.scheduled"`.
    ///   - schemaVersion: The version of the data's shape; 1 by default.
    ///   - data: UTF-8 JSON text of an object. Checked when appended.
    ///   - metadata: The event's metadata.
    public init(
        id: UUID = UUID(),
        eventType: String,
        schemaVersion: Int = 1,
        data: Data,
        metadata: EventMetadata = EventMetadata()
    ) {
        self.id = id
        self.eventType = eventType
        self.schemaVersion = schemaVersion
        self.data = data
        self.metadata = metadata
        self.isEncodedByChronicle = false
    }

    /// Creates a new event by encoding a typed event.
    ///
    /// - Parameters:
    ///   - event: The event to encode.
    ///   - id: The event id; a random UUID by default.
    ///   - metadata: The event's metadata.
    ///   - coder: The JSON coder; ``EventCoder/default`` unless given.
    /// - Throws: The `EncodingError` of the event's `Encodable` conformance.
    public init<E: Event>(
        _ event: E,
        id: UUID = UUID(),
        metadata: EventMetadata = EventMetadata(),
        coder: EventCoder = .default
    ) throws {
        self.id = id
        self.eventType = E.eventType
        self.schemaVersion = E.schemaVersion
        self.data = try coder.encode(event)
        self.metadata = metadata
        self.isEncodedByChronicle = true
    }
}
