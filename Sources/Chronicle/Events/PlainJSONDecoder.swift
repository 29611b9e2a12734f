import Foundation

/// Decodes event data as ``EventCoder``'s `JSONDecoder` would, several times faster, for the
/// plain documents events are: objects, arrays, strings, booleans, integers, doubles, dates.
///
/// It answers only when sure to give `JSONDecoder`'s answer: any document or call it does not
/// handle exactly, and any error at all during a decode (even one the type catches and recovers
/// from), gives `nil`, and the caller decodes with `JSONDecoder`, which then gives the value or
/// the error. Floats, `Decimal`, `Data`, `URL`, integers written with a fraction or exponent,
/// and super decoders are among what it leaves to `JSONDecoder`.
enum PlainJSONDecoder {
    /// The value, or `nil` when `JSONDecoder` must decide.
    ///
    /// - Parameter keys: The declared key of each stored one, as the `JSONDecoder`'s custom key
    ///   strategy maps them; `nil` reads keys as stored.
    static func decode<Value: Decodable>(
        _ type: Value.Type, from data: Data, dates: @escaping (String) -> Date?, keys: ((String) -> String)? = nil
    ) -> Value? {
        let document: PlainJSON
        do {
            document = try data.withUnsafeBytes { raw in try PlainJSON(parsing: raw.bindMemory(to: UInt8.self)) }
        } catch {
            return nil
        }
        let session = Session(dates: dates, keys: keys)
        let value = try? session.decode(Value.self, from: document, at: [])
        return session.refused ? nil : value
    }

    /// One decode: how dates are read, and whether anything was refused.
    final class Session {
        let dates: (String) -> Date?
        let keys: ((String) -> String)?
        var refused = false

        init(dates: @escaping (String) -> Date?, keys: ((String) -> String)?) {
            self.dates = dates
            self.keys = keys
        }

        /// Marks the decode refused: whatever the type does next, its result is not used.
        func refuse() -> PlainJSON.Refused {
            refused = true
            return PlainJSON.Refused()
        }

        func decode<Value: Decodable>(_ type: Value.Type, from json: PlainJSON, at path: [any CodingKey]) throws -> Value {
            if let primitive = try primitive(type, from: json) { return primitive }
            if type == Date.self {
                guard case .string(let text) = json, let date = dates(text) else { throw refuse() }
                return date as! Value
            }
            if type is any BinaryFloatingPoint.Type || type is any BinaryInteger.Type || type == Data.self || type == URL.self
                || type == Decimal.self
            {
                throw refuse()
            }
            return try Value(from: ValueDecoder(json: json, codingPath: path, session: self))
        }

        /// Booleans, strings, doubles and the standard integers; `nil` for other types.
        func primitive<Value>(_ type: Value.Type, from json: PlainJSON) throws -> Value? {
            switch type {
            case is Bool.Type:
                guard case .bool(let value) = json else { throw refuse() }
                return value as? Value
            case is String.Type:
                guard case .string(let value) = json else { throw refuse() }
                return value as? Value
            case is Double.Type:
                guard case .number(let text) = json, let value = Double(text), value.isFinite else { throw refuse() }
                return value as? Value
            case is Int.Type: return try integer(Int.self, from: json) as? Value
            case is Int8.Type: return try integer(Int8.self, from: json) as? Value
            case is Int16.Type: return try integer(Int16.self, from: json) as? Value
            case is Int32.Type: return try integer(Int32.self, from: json) as? Value
            case is Int64.Type: return try integer(Int64.self, from: json) as? Value
            case is UInt.Type: return try integer(UInt.self, from: json) as? Value
            case is UInt8.Type: return try integer(UInt8.self, from: json) as? Value
            case is UInt16.Type: return try integer(UInt16.self, from: json) as? Value
            case is UInt32.Type: return try integer(UInt32.self, from: json) as? Value
            case is UInt64.Type: return try integer(UInt64.self, from: json) as? Value
            default: return nil
            }
        }

        /// A value of a type ``primitive(_:from:)`` handles.
        func strict<Value>(_ type: Value.Type, from json: PlainJSON) throws -> Value {
            guard let value = try primitive(type, from: json) else { throw refuse() }
            return value
        }

        /// An integer written as one (digits, maybe a minus sign) that fits the type.
        func integer<Integer: FixedWidthInteger>(_ type: Integer.Type, from json: PlainJSON) throws -> Integer {
            guard case .number(let text) = json, let value = Integer(text, radix: 10) else { throw refuse() }
            return value
        }
    }

    /// The `Decoder` over one value of the document.
    struct ValueDecoder: Decoder {
        let json: PlainJSON
        let codingPath: [any CodingKey]
        let session: Session
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            guard case .object(var members) = json else { throw session.refuse() }
            if let keys = session.keys {
                members = members.map { (keys($0.key), $0.value) }
                // Two stored keys for one declared key: JSONDecoder decides which wins.
                guard Set(members.map(\.key)).count == members.count else { throw session.refuse() }
            }
            return KeyedDecodingContainer(KeyedContainer<Key>(members: members, codingPath: codingPath, session: session))
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            guard case .array(let elements) = json else { throw session.refuse() }
            return UnkeyedContainer(elements: elements, codingPath: codingPath, session: session)
        }

        func singleValueContainer() throws -> any SingleValueDecodingContainer {
            SingleValueContainer(json: json, codingPath: codingPath, session: session)
        }
    }

    struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let members: [(key: String, value: PlainJSON)]
        let codingPath: [any CodingKey]
        let session: Session

        var allKeys: [Key] { members.compactMap { Key(stringValue: $0.key) } }

        func contains(_ key: Key) -> Bool {
            members.contains { $0.key == key.stringValue }
        }

        private func value(_ key: Key) throws -> PlainJSON {
            guard let member = members.first(where: { $0.key == key.stringValue }) else { throw session.refuse() }
            return member.value
        }

        func decodeNil(forKey key: Key) throws -> Bool {
            if case .null = try value(key) { return true }
            return false
        }

        func decode<Value: Decodable>(_ type: Value.Type, forKey key: Key) throws -> Value {
            let json = try value(key)
            if let primitive = try session.primitive(type, from: json) { return primitive }
            return try session.decode(type, from: json, at: codingPath + [key])
        }

        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try session.strict(type, from: value(key)) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try session.strict(type, from: value(key)) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try session.strict(type, from: value(key)) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try session.strict(type, from: value(key)) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try session.strict(type, from: value(key)) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try session.strict(type, from: value(key)) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try session.strict(type, from: value(key)) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try session.strict(type, from: value(key)) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try session.strict(type, from: value(key)) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try session.strict(type, from: value(key)) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try session.strict(type, from: value(key)) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try session.strict(type, from: value(key)) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try session.strict(type, from: value(key)) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { throw session.refuse() }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try ValueDecoder(json: value(key), codingPath: codingPath + [key], session: session).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try ValueDecoder(json: value(key), codingPath: codingPath + [key], session: session).unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder { throw session.refuse() }
        func superDecoder(forKey key: Key) throws -> any Decoder { throw session.refuse() }
    }

    struct UnkeyedContainer: UnkeyedDecodingContainer {
        let elements: [PlainJSON]
        let codingPath: [any CodingKey]
        let session: Session
        private(set) var currentIndex = 0

        init(elements: [PlainJSON], codingPath: [any CodingKey], session: Session) {
            self.elements = elements
            self.codingPath = codingPath
            self.session = session
        }

        var count: Int? { elements.count }
        var isAtEnd: Bool { currentIndex >= elements.count }

        private mutating func next() throws -> PlainJSON {
            guard !isAtEnd else { throw session.refuse() }
            defer { currentIndex += 1 }
            return elements[currentIndex]
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd else { throw session.refuse() }
            if case .null = elements[currentIndex] {
                currentIndex += 1
                return true
            }
            return false
        }

        mutating func decode<Value: Decodable>(_ type: Value.Type) throws -> Value {
            let index = currentIndex
            let json = try next()
            if let primitive = try session.primitive(type, from: json) { return primitive }
            return try session.decode(type, from: json, at: codingPath + [IndexKey(index)])
        }

        mutating func decode(_ type: Bool.Type) throws -> Bool { try session.strict(type, from: next()) }
        mutating func decode(_ type: String.Type) throws -> String { try session.strict(type, from: next()) }
        mutating func decode(_ type: Double.Type) throws -> Double { try session.strict(type, from: next()) }
        mutating func decode(_ type: Int.Type) throws -> Int { try session.strict(type, from: next()) }
        mutating func decode(_ type: Int8.Type) throws -> Int8 { try session.strict(type, from: next()) }
        mutating func decode(_ type: Int16.Type) throws -> Int16 { try session.strict(type, from: next()) }
        mutating func decode(_ type: Int32.Type) throws -> Int32 { try session.strict(type, from: next()) }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { try session.strict(type, from: next()) }
        mutating func decode(_ type: UInt.Type) throws -> UInt { try session.strict(type, from: next()) }
        mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try session.strict(type, from: next()) }
        mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try session.strict(type, from: next()) }
        mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try session.strict(type, from: next()) }
        mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try session.strict(type, from: next()) }
        mutating func decode(_ type: Float.Type) throws -> Float { throw session.refuse() }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            let index = currentIndex
            return try ValueDecoder(json: next(), codingPath: codingPath + [IndexKey(index)], session: session).container(keyedBy: type)
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            let index = currentIndex
            return try ValueDecoder(json: next(), codingPath: codingPath + [IndexKey(index)], session: session).unkeyedContainer()
        }

        mutating func superDecoder() throws -> any Decoder { throw session.refuse() }
    }

    struct SingleValueContainer: SingleValueDecodingContainer {
        let json: PlainJSON
        let codingPath: [any CodingKey]
        let session: Session

        func decodeNil() -> Bool {
            if case .null = json { return true }
            return false
        }

        func decode<Value: Decodable>(_ type: Value.Type) throws -> Value {
            try session.decode(type, from: json, at: codingPath)
        }

        func decode(_ type: Bool.Type) throws -> Bool { try session.strict(type, from: json) }
        func decode(_ type: String.Type) throws -> String { try session.strict(type, from: json) }
        func decode(_ type: Double.Type) throws -> Double { try session.strict(type, from: json) }
        func decode(_ type: Int.Type) throws -> Int { try session.strict(type, from: json) }
        func decode(_ type: Int8.Type) throws -> Int8 { try session.strict(type, from: json) }
        func decode(_ type: Int16.Type) throws -> Int16 { try session.strict(type, from: json) }
        func decode(_ type: Int32.Type) throws -> Int32 { try session.strict(type, from: json) }
        func decode(_ type: Int64.Type) throws -> Int64 { try session.strict(type, from: json) }
        func decode(_ type: UInt.Type) throws -> UInt { try session.strict(type, from: json) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try session.strict(type, from: json) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try session.strict(type, from: json) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try session.strict(type, from: json) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try session.strict(type, from: json) }
        func decode(_ type: Float.Type) throws -> Float { throw session.refuse() }
    }

    /// The coding key of an array element, as `JSONDecoder` names it in coding paths.
    struct IndexKey: CodingKey {
        let intValue: Int?
        let stringValue: String

        init(_ index: Int) {
            intValue = index
            stringValue = "Index \(index)"
        }

        init?(stringValue: String) { nil }
        init?(intValue: Int) { self.init(intValue) }
    }
}
