import Chronicle
import Foundation
import Testing

@Suite("RFC 3339 dates")
struct RFC3339Tests {
    @Test func readsAndWritesEveryMillisecondTheSame() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let milliseconds = Int64.random(in: -62_135_596_800_000...253_402_300_799_999, using: &generator)
            let text = RFC3339.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1_000))
            let date = RFC3339.date(from: text)
            #expect(date.map { Int64(($0.timeIntervalSince1970 * 1_000).rounded()) } == milliseconds, "\(text)")
            #expect(date.map(RFC3339.string(from:)) == text, "\(text) writes back as itself")
        }
        for text in ["2032-02-29T08:00:00.999Z", "2032-02-29T08:00:00.007Z", "0001-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z"] {
            #expect(RFC3339.date(from: text).map(RFC3339.string(from:)) == text, "\(text)")
        }
    }

    @Test func keepsEventDatesExactThroughTheCoder() throws {
        struct Stamped: Event, Equatable {
            static let eventType = "test.stamped"
            var at: Date
        }
        let at = try #require(RFC3339.date(from: "2032-02-29T08:00:00.999Z"))
        let data = try EventCoder.default.encode(Stamped(at: at))
        #expect(String(decoding: data, as: UTF8.self) == #"{"at":"2032-02-29T08:00:00.999Z"}"#)
        #expect(try EventCoder.default.decode(Stamped.self, from: data) == Stamped(at: at), "decoded, encoded, decoded: no drift")
    }

    @Test func readsOffsetsCaseAndFractionsTruncatedToTheMillisecond() {
        let expected = RFC3339.date(from: "2030-01-15T09:00:00.123Z")
        for text in ["2030-01-15T10:00:00.123+01:00", "2030-01-15t09:00:00.123z", "2030-01-15T09:00:00.1239999Z", "2030-01-15T04:30:00.123-04:30"] {
            #expect(RFC3339.date(from: text) == expected, "\(text)")
        }
        #expect(RFC3339.date(from: "2030-01-15T09:00:00Z").map(RFC3339.string(from:)) == "2030-01-15T09:00:00.000Z")
        #expect(RFC3339.date(from: "2030-01-15T09:00:00.5Z").map(RFC3339.string(from:)) == "2030-01-15T09:00:00.500Z")
        #expect(RFC3339.date(from: "2032-02-29T00:00:00Z") != nil && RFC3339.date(from: "2000-02-29T00:00:00Z") != nil)
    }

    @Test func refusesDatesThatDoNotExist() {
        for text in [
            "2031-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2030-02-30T00:00:00Z", "2030-04-31T00:00:00Z", "2030-13-01T00:00:00Z",
            "2030-00-01T00:00:00Z", "2030-01-00T00:00:00Z", "2030-01-01T24:00:00Z", "2030-01-01T00:60:00Z", "2030-01-01T00:00:60Z",
            "2030-01-01T00:00:00+24:00", "2030-01-01T00:00:00+01:60", "0000-01-01T00:00:00Z", "10000-01-01T00:00:00Z",
            "2030-01-01T00:00:00", "2030-01-01 00:00:00Z", "2030-01-01T00:00:00.Z", "2030-1-01T00:00:00Z", "2030-01-01T00:00Z",
            "2030-01-01T00:00:00+0100", "2030-01-01T00:00:00ZZ", " 2030-01-01T00:00:00Z", "", "tomorrow",
        ] {
            #expect(RFC3339.date(from: text) == nil, "\(text)")
        }
    }
}
