package import Foundation

/// A parsed JSON document of the plain kind events are made of, for ``PlainJSONDecoder``.
///
/// Parsing is strict RFC 8259: anything else (or a document nested deeper than 256 levels, an
/// object with a repeated key, a string that is not valid UTF-8 or holds a lone surrogate) is
/// refused, and the caller hands the document to `JSONDecoder` instead.
package indirect enum PlainJSON {
    case null
    case bool(Bool)
    /// A number as written, validated against JSON's grammar.
    case number(String)
    case string(String)
    case array([PlainJSON])
    /// Members in document order; keys are unique.
    case object([(key: String, value: PlainJSON)])

    /// Why a document or a value was not handled: decoding goes to `JSONDecoder` instead. A
    /// document the parser refuses says what is wrong, where (the byte offset), and in which
    /// field.
    package struct Refused: Error {
        /// What is wrong, as the end of a sentence about the document: "repeats the field \"a\"".
        package var reason: String
        /// The byte offset where the parser stopped.
        package var offset: Int?
        /// The field's path from the top: keys, and `[n]` for array elements.
        package var path: [String]

        init(_ reason: String = "is not handled here", at offset: Int? = nil, path: [String] = []) {
            self.reason = reason
            self.offset = offset
            self.path = path
        }
    }

    /// Why a document is not strict RFC 8259 JSON (which events and request bodies must be), or
    /// `nil` when it is: a syntax error, a repeated key, nesting over 256 levels, invalid UTF-8,
    /// an unpaired surrogate escape.
    package static func problem(in data: Data) -> Refused? {
        if case .failure(let refused) = document(data) { return refused }
        return nil
    }

    /// A whole document, or why it is not strict RFC 8259 JSON.
    package static func document(_ data: Data) -> Result<PlainJSON, Refused> {
        do {
            return .success(try data.withUnsafeBytes { raw in try PlainJSON(parsing: raw.bindMemory(to: UInt8.self)) })
        } catch let refused as Refused {
            return .failure(refused)
        } catch {
            return .failure(Refused())
        }
    }

    /// Parses a whole document.
    init(parsing bytes: UnsafeBufferPointer<UInt8>) throws {
        var parser = Parser(bytes: bytes)
        parser.skipWhitespace()
        self = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw Refused("has more after the end of the value", at: parser.index) }
    }

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        /// The refusal of the document at the current offset.
        func refused(_ reason: String) -> Refused {
            Refused(reason, at: index)
        }

        static let maximumDepth = 256

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func value(depth: Int) throws -> PlainJSON {
            guard index < bytes.count, depth < Self.maximumDepth else { throw refused(index < bytes.count ? "is nested more than \(Self.maximumDepth) levels deep" : "ends too early") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            default: return .number(try number())
            }
        }

        mutating func literal(_ word: StaticString) throws {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { throw refused("has an unknown word") }
            for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
                throw refused("has an unknown word")
            }
            index += count
        }

        mutating func object(depth: Int) throws -> PlainJSON {
            index += 1
            var members: [(key: String, value: PlainJSON)] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw refused("has an object key that is not a string") }
                let key = try string()
                guard !members.contains(where: { $0.key == key }) else { throw Refused("repeats the field \"\(key)\"", at: index, path: [key]) }
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw refused("lacks a colon after an object key") }
                index += 1
                skipWhitespace()
                do {
                    members.append((key, try value(depth: depth + 1)))
                } catch var refused as Refused {
                    refused.path.insert(key, at: 0)
                    throw refused
                }
                skipWhitespace()
                guard index < bytes.count else { throw refused("ends too early") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return .object(members)
                } else {
                    throw refused("lacks a comma or closing brace in an object")
                }
            }
        }

        mutating func array(depth: Int) throws -> PlainJSON {
            index += 1
            var elements: [PlainJSON] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                do {
                    elements.append(try value(depth: depth + 1))
                } catch var refused as Refused {
                    refused.path.insert("[\(elements.count)]", at: 0)
                    throw refused
                }
                skipWhitespace()
                guard index < bytes.count else { throw refused("ends too early") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return .array(elements)
                } else {
                    throw refused("lacks a comma or closing bracket in an array")
                }
            }
        }

        /// A string without escapes is copied as is; escapes are decoded, a lone surrogate refused.
        mutating func string() throws -> String {
            index += 1
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    let text = try Self.validated(UnsafeBufferPointer(rebasing: bytes[start..<index]))
                    index += 1
                    return text
                }
                if byte == UInt8(ascii: "\\") { return try escapedString(from: start) }
                guard byte >= 0x20 else { throw refused("has an unescaped control character in a string") }
                index += 1
            }
            throw refused("has an unterminated string")
        }

        private mutating func escapedString(from start: Int) throws -> String {
            var text = try Self.validated(UnsafeBufferPointer(rebasing: bytes[start..<index]))
            var runStart = index
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    text += try Self.validated(UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                    index += 1
                    return text
                case UInt8(ascii: "\\"):
                    text += try Self.validated(UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                    text.unicodeScalars.append(try escape())
                    runStart = index
                case 0..<0x20:
                    throw refused("has an unescaped control character in a string")
                default:
                    index += 1
                }
            }
            throw refused("has an unterminated string")
        }

        /// The character of the escape at `index`, which it passes.
        private mutating func escape() throws -> Unicode.Scalar {
            guard index + 1 < bytes.count else { throw refused("has an unterminated string") }
            let kind = bytes[index + 1]
            index += 2
            switch kind {
            case UInt8(ascii: "\""): return "\""
            case UInt8(ascii: "\\"): return "\\"
            case UInt8(ascii: "/"): return "/"
            case UInt8(ascii: "b"): return "\u{08}"
            case UInt8(ascii: "f"): return "\u{0C}"
            case UInt8(ascii: "n"): return "\n"
            case UInt8(ascii: "r"): return "\r"
            case UInt8(ascii: "t"): return "\t"
            case UInt8(ascii: "u"):
                let unit = try hexUnit()
                switch unit {
                case 0xD800..<0xDC00:
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                        throw refused("has an unpaired surrogate escape in a string")
                    }
                    index += 2
                    let low = try hexUnit()
                    guard (0xDC00..<0xE000).contains(low),
                        let scalar = Unicode.Scalar(0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00))
                    else { throw refused("has an unpaired surrogate escape in a string") }
                    return scalar
                case 0xDC00..<0xE000:
                    throw refused("has an unpaired surrogate escape in a string")
                default:
                    guard let scalar = Unicode.Scalar(unit) else { throw refused("has an invalid escape in a string") }
                    return scalar
                }
            default:
                throw refused("has an invalid escape in a string")
            }
        }

        private mutating func hexUnit() throws -> UInt16 {
            guard index + 4 <= bytes.count else { throw refused("has an invalid escape in a string") }
            var unit: UInt16 = 0
            for _ in 0..<4 {
                guard let digit = hexDigitValue(bytes[index]) else { throw refused("has an invalid escape in a string") }
                unit = unit << 4 | UInt16(digit)
                index += 1
            }
            return unit
        }

        private static func validated(_ bytes: UnsafeBufferPointer<UInt8>) throws -> String {
            guard let text = String(validating: bytes, as: UTF8.self) else { throw Refused("is not valid UTF-8") }
            return text
        }

        /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, as written.
        mutating func number() throws -> String {
            let start = index
            func digits() -> Int {
                let first = index
                while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
                return index - first
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count else { throw refused("has a malformed number") }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
                if index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                    throw refused("has a number with a leading zero")
                }
            } else {
                guard digits() > 0 else { throw refused("has a malformed number") }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digits() > 0 else { throw refused("has a malformed number") }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard digits() > 0 else { throw refused("has a malformed number") }
            }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        }
    }
}
