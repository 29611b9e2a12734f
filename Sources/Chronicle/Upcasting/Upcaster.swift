/// One step of an event type's schema evolution: turns the JSON of one stored version into the
/// next.
///
/// A step upgrades an event type's data from `version` to `version + 1`, renames an event type,
/// or splits one event into several. Steps compose: with steps 1→2 and 2→3 registered, a
/// version 1 event is read as version 3.
///
/// ```swift
/// // meeting.scheduled v1 {time} became v2 {starts_at, duration_minutes}.
/// Upcaster("meeting.scheduled", from: 1) { data in
///     data["starts_at"] = data.removeValue(forKey: "time")
///     data["duration_minutes"] = data["duration_minutes"] ?? .integer(30)
/// }
/// ```
public struct Upcaster: Sendable {
    /// The stored event type the step reads.
    public let eventType: String

    /// The stored schema version the step reads.
    public let version: Int

    /// Where the step leads, when it says: the event type and version it produces. `nil` for
    /// a split, whose results are only known when it runs.
    public let produces: (eventType: String, version: Int)?

    let transform: @Sendable (UpcastEvent) throws -> [UpcastEvent]

    /// A step from `version` to `version + 1` of the same event type, editing the JSON object.
    ///
    /// - Parameters:
    ///   - eventType: The event type.
    ///   - version: The version read; the step produces `version + 1`.
    ///   - transform: Edits the event's data in place.
    public init(
        _ eventType: String, from version: Int, _ transform: @escaping @Sendable (inout [String: JSONValue]) throws -> Void
    ) {
        self.eventType = eventType
        self.version = version
        self.produces = (eventType, version + 1)
        self.transform = { event in
            var data = event.data
            try transform(&data)
            return [UpcastEvent(eventType: eventType, schemaVersion: version + 1, data: data)]
        }
    }

    /// A step that renames an event type: version `version` of `eventType` is read as version
    /// `newVersion` of `newEventType`, its data optionally edited.
    ///
    /// ```swift
    /// Upcaster.rename("meeting.planned", from: 2, to: "meeting.scheduled", version: 1)
    /// ```
    public static func rename(
        _ eventType: String, from version: Int, to newEventType: String, version newVersion: Int,
        _ transform: @escaping @Sendable (inout [String: JSONValue]) throws -> Void = { _ in }
    ) -> Upcaster {
        Upcaster(eventType: eventType, version: version, produces: (newEventType, newVersion)) { event in
            var data = event.data
            try transform(&data)
            return [UpcastEvent(eventType: newEventType, schemaVersion: newVersion, data: data)]
        }
    }

    /// A step that splits one stored event into several, read in the order returned.
    ///
    /// The parts share the stored event's position, entity version and metadata; the first
    /// keeps its event id and each other part gets an id derived from it, the same on every read.
    ///
    /// ```swift
    /// Upcaster.split("meeting.moved", from: 1) { data in [
    ///     UpcastEvent(eventType: "meeting.rescheduled", schemaVersion: 1, data: ["starts_at": data["starts_at"] ?? .null]),
    ///     UpcastEvent(eventType: "meeting.relocated", schemaVersion: 1, data: ["room": data["room"] ?? .null]),
    /// ] }
    /// ```
    public static func split(
        _ eventType: String, from version: Int, _ transform: @escaping @Sendable ([String: JSONValue]) throws -> [UpcastEvent]
    ) -> Upcaster {
        Upcaster(eventType: eventType, version: version, produces: nil) { event in
            let parts = try transform(event.data)
            guard !parts.isEmpty else {
                throw EventStoreError.invalidInput("The split of \(eventType) version \(version) produced no event.")
            }
            return parts
        }
    }

    private init(
        eventType: String, version: Int, produces: (eventType: String, version: Int)?,
        transform: @escaping @Sendable (UpcastEvent) throws -> [UpcastEvent]
    ) {
        self.eventType = eventType
        self.version = version
        self.produces = produces
        self.transform = transform
    }
}

/// An event between upcasting steps: its type, schema version and data.
public struct UpcastEvent: Hashable, Sendable {
    /// The event type.
    public var eventType: String
    /// The schema version of ``data``.
    public var schemaVersion: Int
    /// The event's JSON object.
    public var data: [String: JSONValue]

    /// Creates an event between steps.
    public init(eventType: String, schemaVersion: Int, data: [String: JSONValue]) {
        self.eventType = eventType
        self.schemaVersion = schemaVersion
        self.data = data
    }
}
