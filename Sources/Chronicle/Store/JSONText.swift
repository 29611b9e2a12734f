import Foundation

/// Checks on JSON text that every store needs before writing it.
enum JSONText {
    /// Why `data` cannot be stored as an event's data, or `nil` when it can.
    ///
    /// Data must be UTF-8 text of a JSON object. Trusted data (encoded by ``EventCoder``) is only
    /// checked to be an object; untrusted data is parsed.
    static func problem(withObject data: Data, trusted: Bool) -> String? {
        if trusted {
            guard data.first(where: { !isWhitespace($0) }) == UInt8(ascii: "{") else {
                return "does not encode as a JSON object"
            }
            return nil
        }
        guard String(validating: data, as: UTF8.self) != nil else {
            return "is not UTF-8 text"
        }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            return "is not valid JSON"
        }
        guard parsed is [String: Any] else {
            return "is JSON but not an object"
        }
        return nil
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}
