import Chronicle
import Foundation

/// How the `events` command prints one recorded event.
enum EventLine {
    /// `17  2026-11-23T10:15:02.123Z  meeting/42 #3  meeting.accepted v1  {"user_id":7}`.
    static func text(_ event: RecordedEvent) throws -> String {
        let time = RFC3339.string(from: event.createdAt)
        let data = String(decoding: try encoder.encode(try JSONDecoder().decode(JSONValue.self, from: event.data)), as: UTF8.self)
        return "\(event.position)  \(time)  \(event.stream) #\(event.version)  \(event.eventType) v\(event.schemaVersion)  \(data)"
    }

    /// One JSON object holding every column of the event.
    static func json(_ event: RecordedEvent) throws -> String {
        let document = Document(
            position: event.position, id: event.id.uuidString.lowercased(), entityType: event.stream.entityType,
            entityID: event.stream.entityID, version: event.version, eventType: event.eventType, schemaVersion: event.schemaVersion,
            createdAt: event.createdAt,
            meta: try JSONDecoder().decode(JSONValue.self, from: try event.metadata.encodedForStorage()),
            data: try JSONDecoder().decode(JSONValue.self, from: event.data))
        return String(decoding: try encoder.encode(document), as: UTF8.self)
    }

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.string(from: date))
        }
        return encoder
    }

    private struct Document: Encodable {
        var position: Int64
        var id: String
        var entityType: String
        var entityID: String
        var version: Int
        var eventType: String
        var schemaVersion: Int
        var createdAt: Date
        var meta: JSONValue
        var data: JSONValue

        enum CodingKeys: String, CodingKey {
            case position, id, version, meta, data
            case entityType = "entity_type", entityID = "entity_id", eventType = "event_type"
            case schemaVersion = "schema_version", createdAt = "created_at"
        }
    }
}
