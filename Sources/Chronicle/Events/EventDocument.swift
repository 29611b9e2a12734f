public import Foundation

/// A recorded event as one JSON object: how Chronicle shows an event outside the process (the
/// `events --json` command, the HTTP event feed and its client, the event browser).
///
/// ```json
/// {"position": 17, "id": "5f0c…", "entity_type": "meeting", "entity_id": "42", "version": 3,
///  "event_type": "meeting.accepted", "schema_version": 1, "created_at": "2026-11-23T10:15:02.123456Z",
///  "meta": {"actor": "user:7", "correlation_id": "…"}, "data": {"user_id": 7}}
/// ```
///
/// Keys are snake_case and times RFC 3339 in UTC with microseconds. Encode and decode with
/// ``encoder`` and ``decoder``, which agree on both.
public struct EventDocument: Codable, Hashable, Sendable {
    /// The event's position in the global log.
    public var position: Int64
    /// The event's id.
    public var id: UUID
    /// The type of the entity the event belongs to.
    public var entityType: String
    /// The id of the entity the event belongs to.
    public var entityID: String
    /// The entity's version after the event.
    public var version: Int
    /// The event's type name.
    public var eventType: String
    /// The schema version of ``data``.
    public var schemaVersion: Int
    /// When the event was recorded.
    public var createdAt: Date
    /// The metadata as stored: `actor`, `correlation_id`, `causation_id`, `request_id` and the
    /// application's keys.
    public var meta: [String: JSONValue]
    /// The event's data.
    public var data: JSONValue

    enum CodingKeys: String, CodingKey {
        case position, id, version, meta, data
        case entityType = "entity_type", entityID = "entity_id", eventType = "event_type"
        case schemaVersion = "schema_version", createdAt = "created_at"
    }

    /// Decodes a document; the id may be in either case.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        position = try container.decode(Int64.self, forKey: .position)
        id = try container.decode(UUID.self, forKey: .id)
        entityType = try container.decode(String.self, forKey: .entityType)
        entityID = try container.decode(String.self, forKey: .entityID)
        version = try container.decode(Int.self, forKey: .version)
        eventType = try container.decode(String.self, forKey: .eventType)
        schemaVersion = try container.decode(Int.self, forKey: .schemaVersion)
        createdAt = try container.decode(Date.self, forKey: .createdAt)
        meta = try container.decode([String: JSONValue].self, forKey: .meta)
        data = try container.decode(JSONValue.self, forKey: .data)
    }

    /// Encodes the document, with the id in lower case as the store keeps it.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(position, forKey: .position)
        try container.encode(id.uuidString.lowercased(), forKey: .id)
        try container.encode(entityType, forKey: .entityType)
        try container.encode(entityID, forKey: .entityID)
        try container.encode(version, forKey: .version)
        try container.encode(eventType, forKey: .eventType)
        try container.encode(schemaVersion, forKey: .schemaVersion)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(meta, forKey: .meta)
        try container.encode(data, forKey: .data)
    }

    /// Creates a document from its fields.
    public init(
        position: Int64, id: UUID, entityType: String, entityID: String, version: Int, eventType: String,
        schemaVersion: Int, createdAt: Date, meta: [String: JSONValue], data: JSONValue
    ) {
        self.position = position
        self.id = id
        self.entityType = entityType
        self.entityID = entityID
        self.version = version
        self.eventType = eventType
        self.schemaVersion = schemaVersion
        self.createdAt = createdAt
        self.meta = meta
        self.data = data
    }

    /// The document of a recorded event.
    ///
    /// - Throws: A `DecodingError` when the event's data is not a JSON object.
    public init(_ event: RecordedEvent) throws {
        let meta = try JSONDecoder().decode([String: JSONValue].self, from: try event.metadata.encodedForStorage())
        self.init(
            position: event.position, id: event.id, entityType: event.stream.entityType, entityID: event.stream.entityID,
            version: event.version, eventType: event.eventType, schemaVersion: event.schemaVersion, createdAt: event.createdAt,
            meta: meta, data: .object(try Upcasters.object(from: event.data)))
    }

    /// The recorded event the document shows, to decode with an ``EventTypeRegistry``.
    ///
    /// - Throws: An `EncodingError` when the data cannot be encoded, or a `DecodingError` when
    ///   the metadata is not an object of JSON values.
    public func recordedEvent() throws -> RecordedEvent {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return RecordedEvent(
            position: position, id: id, stream: StreamName(entityType: entityType, entityID: entityID), version: version,
            eventType: eventType, schemaVersion: schemaVersion,
            metadata: try EventMetadata(storedJSON: try encoder.encode(meta), createdAt: createdAt),
            data: try encoder.encode(data))
    }

    /// The correlation id in the metadata, if any.
    public var correlationID: String? {
        guard case .string(let value)? = meta["correlation_id"] else { return nil }
        return value
    }

    /// The causation id in the metadata, if any.
    public var causationID: String? {
        guard case .string(let value)? = meta["causation_id"] else { return nil }
        return value
    }

    /// Replaces fields of the data, at any depth, with a marker: what a consumer may not see.
    ///
    /// ```swift
    /// document.redact(dataFields: ["email", "notes"])   // {"email": "[redacted]", …}
    /// ```
    ///
    /// - Parameters:
    ///   - fields: The keys to replace, wherever they occur in the data.
    ///   - marker: What replaces their values.
    public mutating func redact(dataFields fields: Set<String>, with marker: JSONValue = "[redacted]") {
        data = Self.redacting(data, fields: fields, marker: marker)
    }

    private static func redacting(_ value: JSONValue, fields: Set<String>, marker: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            var result: [String: JSONValue] = [:]
            for (key, field) in object {
                result[key] = fields.contains(key) ? marker : redacting(field, fields: fields, marker: marker)
            }
            return .object(result)
        case .array(let elements):
            return .array(elements.map { redacting($0, fields: fields, marker: marker) })
        default:
            return value
        }
    }

    /// The encoder of documents: sorted keys, unescaped slashes, RFC 3339 times.
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.string(from: date))
        }
        return encoder
    }

    /// The decoder of documents: RFC 3339 times with or without fractions.
    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = RFC3339.date(from: text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(text) is not an RFC 3339 time.")
            }
            return date
        }
        return decoder
    }
}
