public import Foundation

/// Turns events into the JSON stored in the `data` column and back.
///
/// Keys are the Swift property names (or the type's `CodingKeys`); dates are RFC 3339 strings
/// in UTC with milliseconds (``RFC3339``), so the stored JSON stays readable from SQL and other
/// languages.
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
        if (Value.self as? any Event.Type)?.storedKeys == .snakeCase {
            return try Self.snakeCaseEncoder.encode(value)
        }
        return try Self.encoder.encode(value)
    }

    /// Decodes a value from JSON.
    /// - Throws: A `DecodingError` naming the field that did not match.
    ///
    /// Plain documents are decoded by a faster decoder that gives exactly `JSONDecoder`'s result;
    /// everything else, and every error, comes from `JSONDecoder`.
    public func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws -> Value {
        if let event = Value.self as? any Event.Type, event.storedKeys == .snakeCase {
            let snakeCase = Self.snakeCaseDecoder(for: event)
            if let value = PlainJSONDecoder.decode(type, from: data, dates: Self.date(from:), keys: snakeCase.declaredKey) {
                return value
            }
            return try snakeCase.decoder.decode(type, from: data)
        }
        if let value = PlainJSONDecoder.decode(type, from: data, dates: Self.date(from:)) {
            return value
        }
        return try Self.decoder.decode(type, from: data)
    }

    /// A stored date.
    private static func date(from text: String) -> Date? {
        RFC3339.date(from: text)
    }

    /// One encoder for every event: its options never change after this, and encoding with it
    /// from several tasks at once is safe.
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.string(from: date))
        }
        return encoder
    }()

    /// The encoder of event types stored in snake_case.
    private static let snakeCaseEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = Self.encoder.dateEncodingStrategy
        encoder.keyEncodingStrategy = .custom { path in StoredKey(EventKeyStyle.snakeCased(path.last?.stringValue ?? "")) }
        return encoder
    }()

    /// The decoders of event types stored in snake_case, one per type: each maps a stored key
    /// back to the declared one it came from (`invitee_ids` to `inviteeIDs`), and reads keys
    /// stored as declared (before the type changed) as they are.
    private static let snakeCaseDecoders = LockedDictionary<ObjectIdentifier, SnakeCaseDecoding>()

    /// How one snake_case event type is read: its declared key for each stored one, and the
    /// `JSONDecoder` that maps keys so.
    private struct SnakeCaseDecoding: @unchecked Sendable {
        let declaredKey: @Sendable (String) -> String
        let decoder: JSONDecoder
    }

    private static func snakeCaseDecoder(for type: any Event.Type) -> SnakeCaseDecoding {
        snakeCaseDecoders.value(for: ObjectIdentifier(type)) {
            let declared = Dictionary(
                EventShape.declaredKeys(of: type).map { (EventKeyStyle.snakeCased($0), $0) }, uniquingKeysWith: { first, _ in first })
            let declaredKey: @Sendable (String) -> String = { EventKeyStyle.declaredKey($0, among: declared) }
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = Self.decoder.dateDecodingStrategy
            decoder.keyDecodingStrategy = .custom { path in StoredKey(declaredKey(path.last?.stringValue ?? "")) }
            return SnakeCaseDecoding(declaredKey: declaredKey, decoder: decoder)
        }
    }

    /// One decoder for every event, as for ``encoder``.
    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = date(from: text) {
                return date
            }
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "Expected an RFC 3339 date-time such as 2026-11-23T10:26:00.000Z, found \"\(text)\".")
        }
        return decoder
    }()
}

/// A key by its text.
private struct StoredKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ text: String) { stringValue = text }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// A dictionary whose values are made once, under a lock.
final class LockedDictionary<Key: Hashable, Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Key: Value] = [:]

    func value(for key: Key, making make: () -> Value) -> Value {
        lock.lock()
        defer { lock.unlock() }
        if let value = values[key] { return value }
        let value = make()
        values[key] = value
        return value
    }
}
