import Chronicle
import Foundation
import Testing

/// An event type that changed to snake_case keys after events of it were stored.
struct SeatsReserved: Event, Equatable {
    static let eventType = "seats.reserved"
    static let storedKeys = EventKeyStyle.snakeCase

    struct Holder: Codable, Equatable {
        var userID: Int
        var displayName: String?
    }

    var seatIDs: [Int]
    var startsAt: Date
    var holder: Holder
    var htmlURLValue: String
    var notes: String?
}

@Suite("Event keys in snake_case")
struct EventKeyStyleTests {
    let event = SeatsReserved(
        seatIDs: [3, 4], startsAt: Date(timeIntervalSince1970: 1_800_000_000), holder: .init(userID: 7, displayName: "Ada"),
        htmlURLValue: "https://example.com", notes: nil)

    @Test func storesEveryKeyInSnakeCaseAndReadsItBack() throws {
        let data = try EventCoder.default.encode(event)
        let json = try JSONDecoder().decode(JSONValue.self, from: data)
        #expect(
            json == [
                "seat_ids": [3, 4], "starts_at": "2027-01-15T08:00:00.000Z", "holder": ["user_id": 7, "display_name": "Ada"],
                "html_url_value": "https://example.com",
            ])
        #expect(try EventCoder.default.decode(SeatsReserved.self, from: data) == event)
        #expect(try JSONDecoder().decode(JSONValue.self, from: NewEvent(event).data) == json, "appends store the same keys")
    }

    @Test func readsEventsStoredWithTheDeclaredKeys() throws {
        // What the store holds from before the type changed to snake_case.
        let stored = Data(
            #"{"seatIDs":[3,4],"startsAt":"2027-01-15T08:00:00.000Z","holder":{"userID":7,"displayName":"Ada"},"htmlURLValue":"https://example.com"}"#.utf8)
        #expect(try EventCoder.default.decode(SeatsReserved.self, from: stored) == event)
        // And a mixture, as an upcaster that renamed one key might leave.
        let mixed = Data(
            #"{"seat_ids":[3,4],"startsAt":"2027-01-15T08:00:00.000Z","holder":{"user_id":7,"displayName":"Ada"},"html_url_value":"https://example.com"}"#.utf8)
        #expect(try EventCoder.default.decode(SeatsReserved.self, from: mixed) == event)
    }

    @Test(arguments: [
        ("startsAt", "starts_at"), ("inviteeIDs", "invitee_ids"), ("htmlURLValue", "html_url_value"), ("userID", "user_id"),
        ("title", "title"), ("v2Count", "v2_count"), ("already_snake", "already_snake"),
    ])
    func namesKeysLikeTheRestOfAJSONAPI(declared: String, stored: String) {
        #expect(EventKeyStyle.snakeCase.storedKey(declared) == stored)
        #expect(EventKeyStyle.asDeclared.storedKey(declared) == declared)
    }

    @Test func theCatalogShapeNamesStoredKeys() {
        let shape = EventShape(of: SeatsReserved.self)
        #expect(shape.fields.map(\.path) == ["seat_ids", "seat_ids[]", "starts_at", "holder", "holder.user_id", "holder.display_name", "html_url_value", "notes"])
        #expect(shape.fields.first { $0.path == "notes" }?.isOptional == true)
        #expect(shape.fields.first { $0.path == "seat_ids" }?.swiftType == "[Int]")
    }
}
