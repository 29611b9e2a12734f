import Chronicle
import Foundation

/// A plain event of the conformance suite.
struct Noted: Event, Equatable {
    static let eventType = "conformance.noted"
    var text: String
    var number: Int
}

/// An event of the conformance suite carrying arbitrary JSON.
struct Carried: Event, Equatable {
    static let eventType = "conformance.carried"
    var payload: JSONValue
}

/// An event of the conformance suite at schema version 2.
struct Revised: Event, Equatable {
    static let eventType = "conformance.revised"
    static let schemaVersion = 2
    var text: String
}

extension EventStoreConformance {
    static let meetingType = "meeting"

    static func stream(_ id: String, type: String = meetingType) -> StreamName {
        StreamName(entityType: type, entityID: id)
    }

    static func noted(_ text: String, _ number: Int = 0, metadata: EventMetadata = EventMetadata()) throws -> NewEvent {
        try NewEvent(Noted(text: text, number: number), metadata: metadata)
    }

    static func raw(_ json: String, type: String = "conformance.raw", schemaVersion: Int = 1) -> NewEvent {
        NewEvent(eventType: type, schemaVersion: schemaVersion, data: Data(json.utf8))
    }

    static func json(_ data: Data) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: data)
    }
}
