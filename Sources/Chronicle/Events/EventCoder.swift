public import Foundation

/// Turns events into the JSON stored in the `data` column and back.
///
/// Keys are the Swift property names (or the type's `CodingKeys`); dates are ISO 8601 strings
/// in UTC with milliseconds, so the stored JSON stays readable from SQL and other languages.
///
/// ```swift
/// let data = try EventCoder.default.encode(MeetingScheduled(title: "Retro", startsAt: .now))
/// let event = try EventCoder.default.decode(MeetingScheduled.self, from: data)
/// ```
public struct EventCoder: Sendable {
    /// The coder every Chronicle type uses unless told otherwise.
    public static let `default` = EventCoder()

    /// Creates the default coder.
    public init() {}

    /// Encodes a value to JSON.
    /// - Throws: The `EncodingError` of the value's `Encodable` conformance.
    public func encode<Value: Encodable>(_ value: Value) throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(Self.dateFormat))
        }
        return try encoder.encode(value)
    }

    /// Decodes a value from JSON.
    /// - Throws: A `DecodingError` naming the field that did not match.
    public func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws -> Value {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = (try? Self.dateFormat.parse(text)) ?? (try? Self.wholeSecondDateFormat.parse(text)) {
                return date
            }
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "Expected an ISO 8601 date such as 2026-11-23T10:26:00.000Z, found \"\(text)\".")
        }
        return try decoder.decode(type, from: data)
    }

    private static let dateFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let wholeSecondDateFormat = Date.ISO8601FormatStyle()
}
