import Chronicle
import Foundation
import Testing

struct RoomBooked: Event, Equatable {
    static let eventType = "room.booked"
    var title: String
    var startsAt: Date
}

enum Room: EventSourcedEntity {
    static let entityType = "room"
}

@Suite("Event model")
struct EventModelTests {
    @Test func typedIDsNameTheirStream() {
        let id = EntityID<Room>(UUID(uuidString: "6F9619FF-8B86-D011-B42D-00CF4FC964FF")!)
        #expect(id.rawValue == "6f9619ff-8b86-d011-b42d-00cf4fc964ff")
        #expect(StreamName(id).description == "room/6f9619ff-8b86-d011-b42d-00cf4fc964ff")
        #expect(StreamName(EntityID<Room>(42)) == StreamName(entityType: "room", entityID: "42"))
        #expect(EntityID<Room>.random() != EntityID<Room>.random())
    }

    @Test func entityIDsEncodeAsPlainStrings() throws {
        let id: EntityID<Room> = "room-7"
        #expect(String(decoding: try JSONEncoder().encode(id), as: UTF8.self) == #""room-7""#)
        #expect(try JSONDecoder().decode(EntityID<Room>.self, from: Data(#""room-7""#.utf8)) == id)
    }

    @Test(arguments: [
        (ExpectedVersion.any, 0, true), (.any, 7, true), (.noEvents, 0, true), (.noEvents, 1, false),
        (.exactly(0), 0, true), (.exactly(3), 3, true), (.exactly(3), 4, false), (.exactly(3), 2, false),
    ])
    func expectedVersions(_ expected: ExpectedVersion, current: Int, satisfied: Bool) {
        #expect(expected.isSatisfied(byCurrentVersion: current) == satisfied)
    }

    @Test func eventsEncodeDatesAsReadableUTC() throws {
        let event = RoomBooked(title: "Retro", startsAt: Date(timeIntervalSince1970: 1_800_000_000.25))
        let data = try EventCoder.default.encode(event)
        #expect(String(decoding: data, as: UTF8.self).contains(#""startsAt":"2027-01-15T08:00:00.250Z""#))
        #expect(try EventCoder.default.decode(RoomBooked.self, from: data) == event)
        let wholeSeconds = Data(#"{"title":"Retro","startsAt":"2027-01-15T08:00:00Z"}"#.utf8)
        #expect(try EventCoder.default.decode(RoomBooked.self, from: wholeSeconds).startsAt == Date(timeIntervalSince1970: 1_800_000_000))
        let error = #expect(throws: DecodingError.self) {
            try EventCoder.default.decode(RoomBooked.self, from: Data(#"{"title":"Retro","startsAt":"tomorrow"}"#.utf8))
        }
        #expect(String(describing: error).contains("tomorrow"))
    }

    @Test func newEventsCarryTypeVersionAndData() throws {
        let event = try NewEvent(RoomBooked(title: "Retro", startsAt: Date(timeIntervalSince1970: 0)))
        #expect(event.eventType == "room.booked")
        #expect(event.schemaVersion == 1)
        #expect(try JSONDecoder().decode(JSONValue.self, from: event.data) == ["title": "Retro", "startsAt": "1970-01-01T00:00:00.000Z"])
    }

    @Test func jsonValuesRoundTrip() throws {
        let value: JSONValue = ["a": [1, 2.5, "three", nil, true], "b": ["c": .integer(Int64.min)]]
        #expect(try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value)) == value)
    }

    @Test func registryListsAndFindsItsTypes() {
        var registry = EventTypeRegistry([RoomBooked.self])
        registry.register(RoomBooked.self)
        #expect(registry.eventTypes == ["room.booked"])
        #expect(registry.contains("room.booked"))
        #expect(!registry.contains("room.released"))
    }
}

@Suite("Preparing appends")
struct PreparedAppendTests {
    let stream = StreamName(entityType: "room", entityID: "42")

    @Test func stampsEveryEventWithOneTimeToTheMicrosecond() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000.123_456_7)
        let append = try PreparedAppend(
            [try NewEvent(RoomBooked(title: "a", startsAt: now)), NewEvent(eventType: "x", data: Data("{}".utf8))],
            to: stream, expected: .noEvents, limits: EventLimits(), now: now)
        #expect(append.entries.map(\.createdAt) == [append.entries[0].createdAt, append.entries[0].createdAt])
        #expect(abs(append.entries[0].createdAt.timeIntervalSince1970 - 1_800_000_000.123_457) < 0.000_000_5)
        let recorded = append.recordedEvents(after: 4, positions: [10, 11])
        #expect(recorded.map(\.version) == [5, 6])
        #expect(recorded.map(\.position) == [10, 11])
        #expect(recorded.allSatisfy { $0.metadata.createdAt == append.entries[0].createdAt })
    }

    @Test func storesMetadataUnderItsOwnKeys() throws {
        let metadata = EventMetadata(actor: "user-7", correlationID: "c", causationID: "d", requestID: "r", custom: ["tenant": "acme"])
        let append = try PreparedAppend(
            [NewEvent(eventType: "x", data: Data("{}".utf8), metadata: metadata)],
            to: stream, expected: .any, limits: EventLimits(), now: Date())
        let stored = try JSONDecoder().decode(JSONValue.self, from: append.entries[0].metadataJSON)
        #expect(stored == ["actor": "user-7", "correlation_id": "c", "causation_id": "d", "request_id": "r", "tenant": "acme"])
    }

    @Test func checksTheExpectationAgainstTheStoredEntity() throws {
        let append = try PreparedAppend(
            [NewEvent(eventType: "x", data: Data("{}".utf8))], to: stream, expected: .exactly(2), limits: EventLimits(), now: Date())
        try append.check(currentVersion: 2, storedEntityType: "room")
        let conflict = #expect(throws: EventStoreError.self) { try append.check(currentVersion: 3, storedEntityType: "room") }
        #expect(conflict?.description == "wrong expected version: Wrong expected version for room/42: the append expected version 2, but the entity is at version 3.")
        let mismatch = #expect(throws: EventStoreError.self) { try append.check(currentVersion: 2, storedEntityType: "user") }
        #expect(mismatch?.code == .entityTypeMismatch)
    }

    @Test func namesTheOffendingEventAndTheLimit() {
        let events = [NewEvent(eventType: "ok", data: Data("{}".utf8)), NewEvent(eventType: "big", data: Data(("{\"x\":\"" + String(repeating: "y", count: 100) + "\"}").utf8))]
        let error = #expect(throws: EventStoreError.self) {
            try PreparedAppend(events, to: stream, expected: .any, limits: EventLimits(maximumDataSize: 50), now: Date())
        }
        #expect(error?.code == .invalidInput)
        #expect(error?.message == "Cannot append to room/42: the data of event 2 (big) is 108 bytes, over the limit of 50. Nothing was appended.")
    }
}
