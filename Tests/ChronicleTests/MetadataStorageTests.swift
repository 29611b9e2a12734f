import Chronicle
import Foundation
import Testing

/// The `meta` column's JSON: the short way for objects of plain strings must give exactly what
/// `JSONEncoder` and `JSONDecoder` give, and hand everything else to them.
@Suite("Event metadata as stored")
struct MetadataStorageTests {
    static let samples: [EventMetadata] = [
        EventMetadata(),
        EventMetadata(actor: "user-7", correlationID: "c-1", causationID: "d0c1c0de", requestID: "r-9"),
        EventMetadata(actor: "Zoë 🎈 ümlaut", custom: ["client_ip": "203.0.113.9", "": "empty key"]),
        EventMetadata(actor: "a/b", custom: ["path": "/meetings/1"]),  // JSONEncoder escapes the slash
        EventMetadata(actor: "say \"hi\"", custom: ["tab": "a\tb", "newline": "a\nb", "back": "a\\b", "bell": "\u{7}"]),
        EventMetadata(actor: "user-7", custom: ["attempt": 3, "ratio": 0.5, "ok": true, "none": nil, "tags": ["a", "b"], "nested": ["k": "v"]]),
    ]

    @Test(arguments: samples)
    func storedBytesAreJSONEncodersWithSortedKeys(_ metadata: EventMetadata) throws {
        var object = metadata.custom
        if let actor = metadata.actor { object["actor"] = .string(actor) }
        if let correlationID = metadata.correlationID { object["correlation_id"] = .string(correlationID) }
        if let causationID = metadata.causationID { object["causation_id"] = .string(causationID) }
        if let requestID = metadata.requestID { object["request_id"] = .string(requestID) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(try metadata.encodedForStorage() == encoder.encode(object))
    }

    @Test(arguments: samples)
    func storedJSONReadsBackAsTheSameMetadata(_ metadata: EventMetadata) throws {
        let createdAt = Date(timeIntervalSince1970: 1_800_000_000)
        var expected = metadata
        expected.createdAt = createdAt
        #expect(try EventMetadata(storedJSON: metadata.encodedForStorage(), createdAt: createdAt) == expected)
    }

    @Test(arguments: [
        #"{}"#, #" { } "#, #"{"actor":"a"}"#, #"{ "actor" : "a" , "x" : "y" }"#, "{\n\t\"actor\": \"a\"\r\n}",
        #"{"actor":"a\"b"}"#, #"{"actor":"\u00e9"}"#, #"{"actor":1}"#, #"{"actor":"a","n":null}"#,
        #"{"x":{"y":"z"}}"#, #"{"x":["y"]}"#, #"{"a":"1","a":"2"}"#, #"{"a":"b",}"#,
    ])
    func readingAgreesWithJSONDecoder(_ json: String) throws {
        let createdAt = Date(timeIntervalSince1970: 0)
        var object = try JSONDecoder().decode([String: JSONValue].self, from: Data(json.utf8))
        func take(_ key: String) -> String? {
            guard case .string(let value)? = object[key] else { return nil }
            object[key] = nil
            return value
        }
        let expected = EventMetadata(
            createdAt: createdAt, actor: take("actor"), correlationID: take("correlation_id"),
            causationID: take("causation_id"), requestID: take("request_id"), custom: object)
        #expect(try EventMetadata(storedJSON: Data(json.utf8), createdAt: createdAt) == expected)
    }

    @Test(arguments: [#""#, #"{"#, #"{"a":}"#, #"{"a":"b"} x"#, #"[]"#, #""text""#, "{\"a\":\"\u{1}\"}"])
    func unreadableJSONThrows(_ json: String) {
        #expect(throws: (any Error).self) { try EventMetadata(storedJSON: Data(json.utf8), createdAt: Date()) }
    }

    @Test func textThatIsNotUTF8Throws() {
        let bytes = Data([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0x22, 0x7D])  // {"a":"\xFF\xFE"}
        #expect(throws: (any Error).self) { try EventMetadata(storedJSON: bytes, createdAt: Date()) }
    }
}
