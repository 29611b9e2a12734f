import Foundation

/// The common shape of an event's `meta` column, a JSON object whose values are all strings
/// (`{"actor":"user-7","causation_id":"…"}`), read and written without `JSONDecoder` and
/// `JSONEncoder`, which cost more than the rest of reading an event.
///
/// Both directions give up (return `nil`) on anything else: a value that is not a string, an
/// escape sequence, text that is not UTF-8. The caller then uses the general coder, so the
/// result is always the same as the general coder's; this is only the short way to it.
enum FlatStringObject {
    /// The object's keys and values, or `nil` when the text is not a flat object of plain strings.
    static func parse(_ json: Data) -> [String: String]? {
        json.withUnsafeBytes { raw -> [String: String]? in
            let bytes = raw.bindMemory(to: UInt8.self)
            var index = 0
            func skipWhitespace() {
                while index < bytes.count, isWhitespace(bytes[index]) { index += 1 }
            }
            func expect(_ byte: UInt8) -> Bool {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == byte else { return false }
                index += 1
                return true
            }
            /// A string without escapes, from its opening quote on.
            func string() -> String? {
                guard expect(quote) else { return nil }
                let start = index
                while index < bytes.count {
                    let byte = bytes[index]
                    if byte == quote {
                        index += 1
                        return String(validating: UnsafeBufferPointer(rebasing: bytes[start..<index - 1]), as: UTF8.self)
                    }
                    if byte == backslash || byte < 0x20 { return nil }
                    index += 1
                }
                return nil
            }

            guard expect(openingBrace) else { return nil }
            var object: [String: String] = [:]
            skipWhitespace()
            if index < bytes.count, bytes[index] == closingBrace {
                index += 1
            } else {
                while true {
                    guard let key = string(), expect(colon), let value = string(), object.updateValue(value, forKey: key) == nil else {
                        return nil
                    }
                    if expect(comma) { continue }
                    guard expect(closingBrace) else { return nil }
                    break
                }
            }
            skipWhitespace()
            return index == bytes.count ? object : nil
        }
    }

    /// The object's JSON with sorted keys and no spaces, as `JSONEncoder` with `.sortedKeys`
    /// writes it, or `nil` when a key or value needs an escape sequence.
    static func encode(_ object: [String: String]) -> Data? {
        var bytes: [UInt8] = [openingBrace]
        for (offset, key) in object.keys.sorted().enumerated() {
            if offset > 0 { bytes.append(comma) }
            guard append(key, to: &bytes) else { return nil }
            bytes.append(colon)
            guard let value = object[key], append(value, to: &bytes) else { return nil }
        }
        bytes.append(closingBrace)
        return Data(bytes)
    }

    private static func append(_ string: String, to bytes: inout [UInt8]) -> Bool {
        bytes.append(quote)
        for byte in string.utf8 {
            // `JSONEncoder` escapes these (the slash too); leave them to it.
            if byte == quote || byte == backslash || byte == slash || byte < 0x20 { return false }
            bytes.append(byte)
        }
        bytes.append(quote)
        return true
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    private static let quote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")
    private static let slash = UInt8(ascii: "/")
    private static let openingBrace = UInt8(ascii: "{")
    private static let closingBrace = UInt8(ascii: "}")
    private static let colon = UInt8(ascii: ":")
    private static let comma = UInt8(ascii: ",")
}
