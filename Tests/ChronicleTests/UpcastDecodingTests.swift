@testable import Chronicle
import Foundation
import PropertyBased
import Testing

/// Upcasters read stored data as `[String: JSONValue]`, through the plain-JSON parser where it
/// can; whichever way a document goes, the value must be `JSONDecoder`'s.
@Suite("Decoding data for upcasters")
struct UpcastDecodingTests {
    static let documents = [
        #"{}"#,
        #"{"a":1,"b":-2,"c":0,"d":-0}"#,
        #"{"max":9223372036854775807,"min":-9223372036854775808}"#,
        #"{"big":9223372036854775808}"#,
        #"{"ratio":1.5,"whole":2.0,"exp":1e3,"neg":-2.5E-3}"#,
        #"{"s":"plain","e":"tab\tquote\"slash\/back\\","u":"\u00e9\u20ac\ud83d\ude00","empty":""}"#,
        #"{"t":true,"f":false,"n":null}"#,
        #"{"list":[1,"two",[3,[4]],{"five":5},null,true]}"#,
        #"{"nested":{"deeper":{"deepest":{"x":[{"y":[]}]}}}}"#,
        #" { "spaced" : [ 1 , 2 ] } "#,
        #"{"room":"r1","time":"2026-12-01T10:00:00Z"}"#,
        #"{"mixed":[1,2.5]}"#,
    ]

    @Test(arguments: documents)
    func givesJSONDecodersValue(_ document: String) throws {
        let data = Data(document.utf8)
        let expected = try JSONDecoder().decode([String: JSONValue].self, from: data)
        #expect(try Upcasters.object(from: data) == expected)
    }

    /// 2,000 generated documents of integers, strings (with escapes), booleans, nulls, arrays
    /// and objects, nested up to four levels.
    @Test func givesJSONDecodersValueForGeneratedDocuments() throws {
        var random = Xoshiro(seed: (20_261_203, 1, 2, 3))
        for _ in 0..<2_000 {
            let document = "{" + (0..<Int.random(in: 0...6, using: &random)).map { "\"k\($0)\":\(Self.value(depth: 0, using: &random))" }.joined(separator: ",") + "}"
            let data = Data(document.utf8)
            let expected = try JSONDecoder().decode([String: JSONValue].self, from: data)
            #expect(try Upcasters.object(from: data) == expected, "\(document)")
        }
    }

    /// Not an object, or not JSON: the upcaster's error, as before.
    @Test(arguments: [#"[1,2]"#, #"{"a":}"#, #""text""#])
    func refusesWhatJSONDecoderRefuses(_ document: String) {
        #expect(throws: (any Error).self) { try Upcasters.object(from: Data(document.utf8)) }
    }

    static func value(depth: Int, using random: inout Xoshiro) -> String {
        switch Int.random(in: depth < 4 ? 0...6 : 0...4, using: &random) {
        case 0: return String(Int64.random(in: Int64.min...Int64.max, using: &random))
        case 1: return String(Int.random(in: -1_000...1_000, using: &random))
        case 2: return ["\"\"", "\"plain\"", #""a\"b""#, #""\u0041\n""#, "\"é€😀\"", #""\ud83d\ude00""#].randomElement(using: &random)!
        case 3: return ["true", "false"].randomElement(using: &random)!
        case 4: return "null"
        case 5: return "[" + (0..<Int.random(in: 0...3, using: &random)).map { _ in value(depth: depth + 1, using: &random) }.joined(separator: ",") + "]"
        default:
            return "{" + (0..<Int.random(in: 0...3, using: &random)).map { "\"n\($0)\":\(value(depth: depth + 1, using: &random))" }.joined(separator: ",") + "}"
        }
    }
}

