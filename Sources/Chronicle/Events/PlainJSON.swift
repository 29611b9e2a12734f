/// A parsed JSON document of the plain kind events are made of, for ``PlainJSONDecoder``.
///
/// Parsing is strict RFC 8259: anything else (or a document nested deeper than 256 levels, an
/// object with a repeated key, a string that is not valid UTF-8 or holds a lone surrogate) is
/// refused, and the caller hands the document to `JSONDecoder` instead.
indirect enum PlainJSON {
    case null
    case bool(Bool)
    /// A number as written, validated against JSON's grammar.
    case number(String)
    case string(String)
    case array([PlainJSON])
    /// Members in document order; keys are unique.
    case object([(key: String, value: PlainJSON)])

    /// Why a document or a value was not handled: decoding goes to `JSONDecoder` instead.
    struct Refused: Error {}

    /// Parses a whole document.
    init(parsing bytes: UnsafeBufferPointer<UInt8>) throws {
        var parser = Parser(bytes: bytes)
        parser.skipWhitespace()
        self = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw Refused() }
    }

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

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
            guard index < bytes.count, depth < Self.maximumDepth else { throw Refused() }
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
            guard index + count <= bytes.count else { throw Refused() }
            for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
                throw Refused()
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
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw Refused() }
                let key = try string()
                guard !members.contains(where: { $0.key == key }) else { throw Refused() }
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw Refused() }
                index += 1
                skipWhitespace()
                members.append((key, try value(depth: depth + 1)))
                skipWhitespace()
                guard index < bytes.count else { throw Refused() }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return .object(members)
                } else {
                    throw Refused()
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
                elements.append(try value(depth: depth + 1))
                skipWhitespace()
                guard index < bytes.count else { throw Refused() }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return .array(elements)
                } else {
                    throw Refused()
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
                guard byte >= 0x20 else { throw Refused() }
                index += 1
            }
            throw Refused()
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
                    throw Refused()
                default:
                    index += 1
                }
            }
            throw Refused()
        }

        /// The character of the escape at `index`, which it passes.
        private mutating func escape() throws -> Unicode.Scalar {
            guard index + 1 < bytes.count else { throw Refused() }
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
                        throw Refused()
                    }
                    index += 2
                    let low = try hexUnit()
                    guard (0xDC00..<0xE000).contains(low),
                        let scalar = Unicode.Scalar(0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00))
                    else { throw Refused() }
                    return scalar
                case 0xDC00..<0xE000:
                    throw Refused()
                default:
                    guard let scalar = Unicode.Scalar(unit) else { throw Refused() }
                    return scalar
                }
            default:
                throw Refused()
            }
        }

        private mutating func hexUnit() throws -> UInt16 {
            guard index + 4 <= bytes.count else { throw Refused() }
            var unit: UInt16 = 0
            for _ in 0..<4 {
                guard let digit = hexDigitValue(bytes[index]) else { throw Refused() }
                unit = unit << 4 | UInt16(digit)
                index += 1
            }
            return unit
        }

        private static func validated(_ bytes: UnsafeBufferPointer<UInt8>) throws -> String {
            guard let text = String(validating: bytes, as: UTF8.self) else { throw Refused() }
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
            guard index < bytes.count else { throw Refused() }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
            } else {
                guard digits() > 0 else { throw Refused() }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digits() > 0 else { throw Refused() }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard digits() > 0 else { throw Refused() }
            }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        }
    }
}
