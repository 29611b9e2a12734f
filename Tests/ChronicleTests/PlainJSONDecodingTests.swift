@testable import Chronicle
import Foundation
import MeetingsDomain
import Testing

/// The fast decoder of event data must give `JSONDecoder`'s value whenever it answers, answer
/// for the plain documents events are, and leave everything else to `JSONDecoder`.
@Suite("Decoding event data")
struct PlainJSONDecodingTests {
    struct Inner: Codable, Equatable {
        var name: String
        var tags: [String]
    }

    enum Shape: Codable, Equatable {
        case circle(radius: Double)
        case square(side: Int)
        case point
    }

    enum Mood: String, Codable, Equatable {
        case calm, busy
    }

    struct Plain: Codable, Equatable {
        var text: String
        var count: Int
        var ratio: Double
        var flag: Bool
        var note: String?
        var numbers: [Int]
        var inner: Inner
        var table: [String: Int]
        var when: Date
        var small: UInt8
        var big: Int64
        var shapes: [Shape]
        var mood: Mood
        var grid: [[Int?]]
    }

    struct Floating: Codable, Equatable { var value: Float }
    struct Binary: Codable, Equatable { var value: Data }
    struct Link: Codable, Equatable { var value: URL }
    struct Money: Codable, Equatable { var value: Decimal }

    static let plain = """
        {"text":"hello","count":-42,"ratio":0.1,"flag":true,"numbers":[1,2,3],"inner":{"name":"n","tags":["a","b"]},
         "table":{"x":1,"y":2},"when":"2026-11-23T10:26:00.123Z","small":255,"big":9223372036854775807,
         "shapes":[{"circle":{"radius":1.5}},{"square":{"side":2}},{"point":{}}],"mood":"busy","grid":[[1,null],[]]}
        """

    static func reference(keys: (@Sendable (String) -> String)? = nil) -> JSONDecoder {
        let decoder = JSONDecoder()
        if let keys {
            decoder.keyDecodingStrategy = .custom { path in AnyKey(stringValue: keys(path.last?.stringValue ?? ""))! }
        }
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = dates(text) { return date }
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "Expected an RFC 3339 date-time such as 2026-11-23T10:26:00.000Z, found \"\(text)\".")
        }
        return decoder
    }

    static func dates(_ text: String) -> Date? {
        RFC3339.date(from: text)
    }

    /// Decodes with the fast decoder, `JSONDecoder` and ``EventCoder``, and compares.
    func check<Value: Decodable & Equatable>(
        _ type: Value.Type, _ data: Data, handled: Bool, keys: (@Sendable (String) -> String)? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let fast = PlainJSONDecoder.decode(type, from: data, dates: Self.dates, keys: keys)
        let reference = Result { try Self.reference(keys: keys).decode(type, from: data) }
        #expect((fast != nil) == handled, "answered: \(String(describing: fast)); JSONDecoder: \(reference)", sourceLocation: sourceLocation)
        if let fast {
            #expect((try? reference.get()) == fast, "the fast value is JSONDecoder's", sourceLocation: sourceLocation)
        }
        switch (Result { try EventCoder.default.decode(type, from: data) }, reference) {
        case (.success(let coded), .success(let expected)):
            #expect(coded == expected, sourceLocation: sourceLocation)
        case (.failure(let coded), .failure(let expected)):
            #expect("\(coded)" == "\(expected)", "the error is JSONDecoder's", sourceLocation: sourceLocation)
        case (let coded, let expected):
            Issue.record("EventCoder gave \(coded), JSONDecoder \(expected)", sourceLocation: sourceLocation)
        }
    }

    func check<Value: Decodable & Equatable>(
        _ type: Value.Type, _ json: String, handled: Bool, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        check(type, Data(json.utf8), handled: handled, sourceLocation: sourceLocation)
    }

    @Test func answersForPlainDocuments() {
        check(Plain.self, Self.plain, handled: true)
        check(Plain.self, Self.plain.replacingOccurrences(of: "\"flag\":true,", with: "\"flag\":false,\"note\":null,"), handled: true)
        check(Plain.self, " \n\t" + Self.plain.replacingOccurrences(of: ",", with: " , ") + " \r\n", handled: true)
        check(Plain.self, Self.plain.replacingOccurrences(of: "\"hello\"", with: #""q\"b\\s\/n\nt\tu\u00e9\ud83c\udf88 zoë""#), handled: true)
        check(Plain.self, Self.plain.replacingOccurrences(of: "\"count\":-42", with: "\"count\":-0,\"extra\":{\"deep\":[1,{}]}"), handled: true)
        check(Plain.self, Self.plain.replacingOccurrences(of: "\"ratio\":0.1", with: "\"ratio\":-12.5e-3"), handled: true)
        check(Plain.self, Self.plain.replacingOccurrences(of: ".123Z", with: "Z"), handled: true)
    }

    @Test func answersForTheSampleAppsEvents() throws {
        let scheduled = MeetingScheduled(
            title: "Retro \"Q4\"", startsAt: Date(timeIntervalSince1970: 1_800_000_000.5), durationMinutes: 45, organizerID: 1, inviteeIDs: [2, 3])
        // Stored in snake_case: read with the declared key of each stored one, as EventCoder does.
        func keys<E: Event>(_ type: E.Type) -> @Sendable (String) -> String {
            let declared = Dictionary(uniqueKeysWithValues: EventShape.declaredKeys(of: E.self).map { (EventKeyStyle.snakeCased($0), $0) })
            return { EventKeyStyle.declaredKey($0, among: declared) }
        }
        check(MeetingScheduled.self, try EventCoder.default.encode(scheduled), handled: true, keys: keys(MeetingScheduled.self))
        check(MeetingCancelled.self, try EventCoder.default.encode(MeetingCancelled(reason: nil)), handled: true, keys: keys(MeetingCancelled.self))
        check(InvitationAccepted.self, try EventCoder.default.encode(InvitationAccepted(userID: 7)), handled: true, keys: keys(InvitationAccepted.self))
        // And as stored before the change, with the declared keys.
        check(InvitationAccepted.self, Data(#"{"userID":7}"#.utf8), handled: true, keys: keys(InvitationAccepted.self))
    }

    @Test(arguments: [
        #"{"value":1.5}"#,
    ])
    func leavesFloatsToJSONDecoder(_ json: String) {
        check(Floating.self, json, handled: false)
    }

    @Test func leavesOtherFoundationTypesToJSONDecoder() {
        check(Binary.self, #"{"value":"AAEC"}"#, handled: false)
        check(Link.self, #"{"value":"https://example.com/a"}"#, handled: false)
        check(Money.self, #"{"value":12.50}"#, handled: false)
    }

    @Test(arguments: [
        // Integers written another way, or out of range.
        ("\"count\":-42", "\"count\":1.0"), ("\"count\":-42", "\"count\":1e2"), ("\"small\":255", "\"small\":256"),
        ("\"big\":9223372036854775807", "\"big\":9223372036854775808"),
        // Not JSON: leading zeros, a trailing comma, a lone surrogate, a control character.
        ("\"count\":-42", "\"count\":007"), ("\"flag\":true,", "\"flag\":true,,"), ("\"hello\"", #""\ud83c""#), ("\"hello\"", "\"a\u{01}b\""),
        // A repeated key, a type mismatch, a missing key, a number too large for a double, a bad date.
        ("\"flag\":true,", "\"flag\":true,\"flag\":false,"), ("\"text\":\"hello\"", "\"text\":5"), ("\"flag\":true,", ""),
        ("\"ratio\":0.1", "\"ratio\":1e400"), ("2026-11-23T10:26:00.123Z", "yesterday"),
    ])
    func leavesEverythingElseToJSONDecoder(_ replacement: (String, String)) {
        let json = Self.plain.replacingOccurrences(of: replacement.0, with: replacement.1)
        #expect(json != Self.plain, "the replacement applies")
        check(Plain.self, json, handled: false)
    }

    @Test func leavesInvalidUTF8AndDeepNestingToJSONDecoder() {
        check(Inner.self, Data(#"{"name":"a"#.utf8) + Data([0xC3, 0x28]) + Data(#"","tags":[]}"#.utf8), handled: false)
        let deep = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        check(JSONValue.self, deep, handled: false)
    }

    @Test func refusesWhenATypeRecoversFromAnError() {
        // JSONValue tries Bool, then Int64, then Double: the failed tries must send the whole
        // decode to JSONDecoder, which decides what 1.0 is.
        check(JSONValue.self, "[1.0, 2]", handled: false)
        check(JSONValue.self, #"{"n":12}"#, handled: false)
    }
}

/// A coding key by its text.
private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
