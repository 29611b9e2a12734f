import Foundation

/// The fields of an event type as its `Decodable` conformance reads them, and an example of its
/// data: what the event catalog documents. Found by decoding the type from a decoder that
/// answers every request with a sample value, so it needs nothing of the type but `Codable`.
///
/// ```swift
/// let shape = EventShape(of: MeetingScheduled.self)
/// shape.fields.map(\.path)     // ["title", "starts_at", "invitee_ids", "invitee_ids[]", …]
/// shape.example                // {"title": "text", "starts_at": "2030-01-15T10:00:00.000Z", …}
/// ```
///
/// A type whose decoding refuses sample values (an enum of strings, a check in `init(from:)`)
/// can give its own example with ``ExampleEvent``.
public struct EventShape: Sendable {
    /// A field the type reads.
    public struct Field: Hashable, Sendable {
        /// Its path in the event's JSON, as stored: keys joined by dots, `[]` for an array's
        /// elements.
        public var path: String
        /// The Swift type it decodes to, as Swift writes it (`[String]`, `Date`).
        public var swiftType: String
        /// Whether it may be missing or null.
        public var isOptional: Bool
    }

    /// The fields, in the order the type reads them.
    public var fields: [Field]
    /// Every key the type declares, at any depth.
    var declaredKeys: Set<String>
    /// An example of the event's data, as stored; `nil` when the type refuses
    /// sample values and gives no ``ExampleEvent/example``.
    public var example: JSONValue?

    /// The shape of an event type.
    ///
    /// - Parameter type: The event type: its ``Event/storedKeys`` name the fields.
    public init<E: Event>(of type: E.Type) {
        let recorder = ShapeRecorder()
        let sampled = try? E(from: ShapeDecoder(recorder: recorder, codingPath: []))
        declaredKeys = Set(recorder.fields.flatMap { $0.path.split(separator: ".").map { $0.hasSuffix("[]") ? String($0.dropLast(2)) : String($0) } })
        fields = recorder.fields.map { field in
            var field = field
            field.path = field.path.split(separator: ".", omittingEmptySubsequences: false)
                .map { part in
                    let key = part.hasSuffix("[]") ? String(part.dropLast(2)) : String(part)
                    return E.storedKeys.storedKey(key) + (part.hasSuffix("[]") ? "[]" : "")
                }
                .joined(separator: ".")
            return field
        }
        let instance = (E.self as? any ExampleEvent.Type)?.example as? E ?? sampled
        example = instance.flatMap { try? EventCoder.default.encode($0) }.flatMap { try? JSONDecoder().decode(JSONValue.self, from: $0) }
    }
}

extension EventShape {
    /// Every key an event type declares, at any depth.
    static func declaredKeys<E: Event>(of type: E.Type) -> Set<String> {
        EventShape(of: E.self).declaredKeys
    }
}

/// An event type that gives the catalog its own example, for a type whose decoding refuses
/// sample values.
public protocol ExampleEvent: Event {
    /// An example of the event.
    static var example: Self { get }
}

/// Collects the fields a decoding asks for.
private final class ShapeRecorder: @unchecked Sendable {
    var fields: [EventShape.Field] = []
    var optional: Set<String> = []

    func record(_ path: String, _ type: Any.Type) {
        guard !fields.contains(where: { $0.path == path }) else { return }
        fields.append(EventShape.Field(path: path, swiftType: Self.name(of: type), isOptional: optional.contains(path)))
    }

    static func name(of type: Any.Type) -> String {
        var name = String(describing: type)
        // Array<Int> → [Int], Optional<Int> → Int?, Dictionary<String, Int> → [String: Int]
        while let range = name.range(of: #"(Array|Optional|Dictionary)<([^<>]*)>"#, options: .regularExpression) {
            let match = String(name[range])
            let inner = String(match[match.index(after: match.firstIndex(of: "<")!)..<match.index(before: match.endIndex)])
            let replacement =
                match.hasPrefix("Array") ? "[\(inner)]"
                : match.hasPrefix("Optional") ? "\(inner)?" : "[\(inner.replacingOccurrences(of: ", ", with: ": "))]"
            name.replaceSubrange(range, with: replacement)
        }
        return name
    }
}

private func path(_ codingPath: [any CodingKey], _ key: (any CodingKey)? = nil) -> String {
    var parts: [String] = []
    for key in codingPath + (key.map { [$0] } ?? []) {
        if key.intValue != nil, key.stringValue.hasPrefix("Index ") || Int(key.stringValue) != nil {
            if let last = parts.popLast() { parts.append(last + "[]") }
        } else {
            parts.append(key.stringValue)
        }
    }
    return parts.joined(separator: ".")
}

/// A sample value for a type the decoding asks for, or `nil` to decode it from its parts.
private func sample<T>(_ type: T.Type) -> T? {
    switch type {
    case is String.Type: return "text" as? T
    case is Bool.Type: return true as? T
    case is Double.Type: return 1.5 as? T
    case is Float.Type: return Float(1.5) as? T
    case is Int.Type: return 1 as? T
    case is Int64.Type: return Int64(1) as? T
    case is Int32.Type: return Int32(1) as? T
    case is UInt.Type: return UInt(1) as? T
    case is UInt64.Type: return UInt64(1) as? T
    case is Date.Type: return Date(timeIntervalSince1970: 1_894_701_600) as? T
    case is UUID.Type: return UUID(uuidString: "3F2504E0-4F89-41D3-9A0C-0305E82C3301") as? T
    case is URL.Type: return URL(string: "https://example.com") as? T
    case is Decimal.Type: return Decimal(string: "1.5") as? T
    default: return nil
    }
}

private struct ShapeDecoder: Decoder {
    let recorder: ShapeRecorder
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Keyed<Key>(recorder: recorder, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        Unkeyed(recorder: recorder, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        Single(recorder: recorder, codingPath: codingPath)
    }

    /// Decodes a value at a path: a sample for a simple type, else the type from its parts.
    static func value<T: Decodable>(_ type: T.Type, at codingPath: [any CodingKey], recorder: ShapeRecorder) throws -> T {
        if let value = sample(T.self) { return value }
        return try T(from: ShapeDecoder(recorder: recorder, codingPath: codingPath))
    }
}

private struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let recorder: ShapeRecorder
    let codingPath: [any CodingKey]
    var allKeys: [Key] { [] }

    func contains(_ key: Key) -> Bool { true }

    func decodeNil(forKey key: Key) throws -> Bool {
        recorder.optional.insert(path(codingPath, key))
        return false
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        recorder.record(path(codingPath, key), T.self)
        return try ShapeDecoder.value(T.self, at: codingPath + [key], recorder: recorder)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        KeyedDecodingContainer(Keyed<NestedKey>(recorder: recorder, codingPath: codingPath + [key]))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        Unkeyed(recorder: recorder, codingPath: codingPath + [key])
    }

    func superDecoder() throws -> any Decoder { ShapeDecoder(recorder: recorder, codingPath: codingPath) }

    func superDecoder(forKey key: Key) throws -> any Decoder { ShapeDecoder(recorder: recorder, codingPath: codingPath + [key]) }
}

private struct IndexKey: CodingKey {
    var stringValue: String { "Index \(intValue ?? 0)" }
    var intValue: Int?
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct Unkeyed: UnkeyedDecodingContainer {
    let recorder: ShapeRecorder
    let codingPath: [any CodingKey]
    var count: Int? { 1 }
    var currentIndex = 0
    var isAtEnd: Bool { currentIndex >= 1 }

    init(recorder: ShapeRecorder, codingPath: [any CodingKey]) {
        self.recorder = recorder
        self.codingPath = codingPath
    }

    mutating func decodeNil() throws -> Bool { false }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let elementPath = codingPath + [IndexKey(currentIndex)]
        recorder.record(path(elementPath), T.self)
        currentIndex += 1
        return try ShapeDecoder.value(T.self, at: elementPath, recorder: recorder)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        defer { currentIndex += 1 }
        return KeyedDecodingContainer(Keyed<NestedKey>(recorder: recorder, codingPath: codingPath + [IndexKey(currentIndex)]))
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        defer { currentIndex += 1 }
        return Unkeyed(recorder: recorder, codingPath: codingPath + [IndexKey(currentIndex)])
    }

    mutating func superDecoder() throws -> any Decoder {
        defer { currentIndex += 1 }
        return ShapeDecoder(recorder: recorder, codingPath: codingPath + [IndexKey(currentIndex)])
    }
}

private struct Single: SingleValueDecodingContainer {
    let recorder: ShapeRecorder
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool { false }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if let value = sample(T.self) { return value }
        return try T(from: ShapeDecoder(recorder: recorder, codingPath: codingPath))
    }
}
