import Chronicle
import ChroniclePersonalData
import Foundation
import Testing

/// A customer's sign-up: the email and the address are the customer's personal data.
private struct CustomerSignedUp: Event, Equatable {
    static let eventType = "customer.signed_up"
    static let personalFields = [
        PersonalField("email", of: .entity, forgotten: "(forgotten)"),
        PersonalField("address", of: .entity, forgotten: nil),
    ]
    struct Address: Codable, Equatable {
        var street: String
        var number: Int
    }
    var email: String
    var address: Address?
    var plan: String
}

@Suite("Personal data in memory")
struct PersonalDataTests {
    static func customer(_ id: String) -> StreamName { StreamName(entityType: "customer", entityID: id) }

    static func store() throws -> InMemoryEventStore {
        let cipher = try PersonalDataCipher(
            eventTypes: [CustomerSignedUp.self], masterKey: try LocalMasterKey(base64: LocalMasterKey.generate()), keyLifetime: .zero)
        return InMemoryEventStore(personalData: cipher)
    }

    @Test func forgottenFieldsReadAsTheirForgottenValues() async throws {
        let store = try Self.store()
        let ada = CustomerSignedUp(email: "ada@example.com", address: .init(street: "Analytical Row", number: 12), plan: "pro")
        let bob = CustomerSignedUp(email: "bob@example.com", address: nil, plan: "free")
        let appended = try await store.append([ada], to: Self.customer("ada"), expected: .noEvents)
        try await store.append([bob], to: Self.customer("bob"), expected: .noEvents)
        #expect(try appended.events[0].decode(as: CustomerSignedUp.self) == ada, "the append returns the data as given")
        #expect(try await store.readStream(Self.customer("ada"))[0].decode(as: CustomerSignedUp.self) == ada)
        let bobBefore = try await store.readStream(Self.customer("bob"))

        let report = try await store.forget(subject: "ada", by: "support")
        #expect(report.wasKnown && report.position == 3, "\(report)")
        let forgotten = try await store.readStream(Self.customer("ada"))[0].decode(as: CustomerSignedUp.self)
        #expect(forgotten == CustomerSignedUp(email: "(forgotten)", address: nil, plan: "pro"))
        let log = try await store.readLog(after: 0, limit: 10)
        #expect(log.map(\.eventType) == [CustomerSignedUp.eventType, CustomerSignedUp.eventType, SubjectForgotten.eventType])
        #expect(try log[2].decode(as: SubjectForgotten.self) == SubjectForgotten(subject: "ada"))
        #expect(!log.map { String(decoding: $0.data, as: UTF8.self) }.joined().contains("ada@example.com"))
        #expect(try await store.readStream(Self.customer("bob")) == bobBefore, "other subjects are untouched")
        #expect(await store.forgottenSubjects.map(\.subject) == ["ada"])

        let again = try await store.forget(subject: "ada", by: "support")
        #expect(!again.wasKnown && again.position == nil)
        #expect(await store.headPosition() == 3, "forgetting an unknown subject writes nothing")
    }

    @Test func refusesAnEventWithoutItsSubject() async throws {
        let store = try Self.store()
        let stream = StreamName(entityType: "customer", entityID: "")
        await #expect(throws: EventStoreError.self) {
            try await store.append([NewEvent(eventType: CustomerSignedUp.eventType, data: Data(#"{"email":"x@example.com","plan":"p"}"#.utf8))],
                                   to: stream, expected: .noEvents)
        }
        #expect(await store.headPosition() == 0)
    }

    @Test func aMissingOrInvalidMasterKeyIsAClearError() throws {
        let missing = #expect(throws: PersonalDataError.self) { try LocalMasterKey(environment: "SHOP_MASTER_KEY", in: [:]) }
        #expect(missing.map { "\($0)" }?.contains("set SHOP_MASTER_KEY") == true, "\(String(describing: missing))")
        let invalid = #expect(throws: PersonalDataError.self) { try LocalMasterKey(environment: "SHOP_MASTER_KEY", in: ["SHOP_MASTER_KEY": "short"]) }
        #expect(invalid.map { "\($0)" }?.contains("32 random bytes") == true, "\(String(describing: invalid))")
        let key = try LocalMasterKey(environment: "K", in: ["K": LocalMasterKey.generate()])
        #expect(key.id.count == 16)
    }

    @Test func refusesDeclarationsThatCannotWork() throws {
        struct OwnSubject: Event {
            static let eventType = "own.subject"
            static let personalFields = [PersonalField("email", of: .field("email"), forgotten: nil)]
            var email: String
        }
        let error = #expect(throws: PersonalDataError.self) {
            try PersonalDataCipher(eventTypes: [OwnSubject.self], masterKey: try LocalMasterKey(base64: LocalMasterKey.generate()))
        }
        #expect(error.map { "\($0)" }?.contains("cannot be its own subject") == true)
    }

    /// The JSON text the cipher writes reads back as the same value, through Chronicle's parser
    /// and through `JSONDecoder`.
    @Test func writesJSONThatReadsBackTheSame() throws {
        let values: [JSONValue] = [
            ["name": "Ada \"Countess\" Lovelace\\", "line": "one\ntwo\tthree\r\u{01}\u{1F}", "emoji": "naïve 🚀", "slash": "a/b"],
            ["nested": ["deep": [1, -2, 9_223_372_036_854_775_807, true, false, nil]], "empty": [:], "list": []],
            ["fraction": 1.5, "exponent": 1e20, "small": -0.000125],
            "just a string", 42, nil,
        ]
        for value in values {
            let text = value.jsonText
            #expect(JSONValue.parse(text) == value, "\(String(decoding: text, as: UTF8.self))")
            #expect(try JSONDecoder().decode(JSONValue.self, from: text) == value, "\(String(decoding: text, as: UTF8.self))")
        }
        #expect(String(decoding: (["b": 1, "a": 2] as JSONValue).jsonText, as: UTF8.self) == #"{"a":2,"b":1}"#, "keys sorted")
        #expect(JSONValue.parse(Data("{not json".utf8)) == nil)
    }
}

@Suite("UUID text")
struct UUIDTextTests {
    @Test func writesWhatFoundationWritesInLowercase() {
        for _ in 0..<200 {
            let id = UUID()
            #expect(id.lowercaseText == id.uuidString.lowercased())
            #expect(UUID(parsing: id.lowercaseText) == id)
        }
    }
}
