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

    /// One JSON object holding every column of the event (``EventDocument``).
    static func json(_ event: RecordedEvent) throws -> String {
        String(decoding: try EventDocument.encoder.encode(try EventDocument(event)), as: UTF8.self)
    }

    private static var encoder: JSONEncoder { EventDocument.encoder }
}
