import Foundation

/// Checks on JSON text that every store needs before writing it.
enum JSONText {
    /// Why `data` cannot be stored as an event's data, or `nil` when it can.
    ///
    /// Data must be UTF-8 text of a JSON object whose strings every supported database stores
    /// faithfully in text (see ``unstorableString(in:)``). Trusted data (encoded by
    /// ``EventCoder``) is only checked to be an object; untrusted data is parsed.
    static func problem(withObject data: Data, trusted: Bool) -> String? {
        if trusted {
            guard data.first(where: { !isWhitespace($0) }) == UInt8(ascii: "{") else {
                return "does not encode as a JSON object"
            }
        } else {
            guard String(validating: data, as: UTF8.self) != nil else {
                return "is not UTF-8 text"
            }
            let parsed: Any
            do {
                parsed = try JSONSerialization.jsonObject(with: data, options: [])
            } catch {
                // A parser may refuse an unpaired surrogate outright: say what is wrong with it.
                return unstorableString(in: data) ?? "is not valid JSON"
            }
            guard parsed is [String: Any] else {
                return "is JSON but not an object"
            }
        }
        return unstorableString(in: data)
    }

    /// Why valid JSON text holds a string that a database cannot store faithfully in a text
    /// column, naming where, or `nil` when it holds none.
    ///
    /// PostgreSQL's `text` and `jsonb` refuse the NUL character (`\u0000`), and SQLite keeps it
    /// but cuts C strings at it; an unpaired surrogate escape (`\ud800`) is no character at all.
    /// Either would make a stored event fail or change later (in a projection's table, say), so
    /// every store refuses them at append, alike.
    static func unstorableString(in json: Data) -> String? {
        // Only an escape can spell these: text without a backslash has none.
        guard json.contains(UInt8(ascii: "\\")) else { return nil }
        return json.withUnsafeBytes { raw in
            var scanner = Scanner(bytes: raw.bindMemory(to: UInt8.self))
            return scanner.firstProblem()
        }
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    /// Walks valid JSON text, keeping track of where it is, until a string holds an escape that
    /// cannot be stored.
    private struct Scanner {
        enum Container {
            case object(key: String?)
            case array(index: Int)
        }

        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        var path: [Container] = []
        var expectingKey = false

        mutating func firstProblem() -> String? {
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "{"):
                    path.append(.object(key: nil))
                    expectingKey = true
                case UInt8(ascii: "["):
                    path.append(.array(index: 0))
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    _ = path.popLast()
                case UInt8(ascii: ","):
                    if case .array(let position)? = path.last {
                        path[path.count - 1] = .array(index: position + 1)
                    } else {
                        expectingKey = true
                    }
                case UInt8(ascii: ":"):
                    expectingKey = false
                case UInt8(ascii: "\""):
                    let isKey = expectingKey
                    let (text, problem) = string()
                    if isKey { path[path.count - 1] = .object(key: text) }
                    if let problem {
                        return "\(problem) in the \(isKey ? "key" : "string") at \(location())"
                    }
                    continue
                default:
                    break
                }
                index += 1
            }
            return nil
        }

        /// Reads the string at `index` (its opening quote) up to its closing quote, decoding
        /// escapes; returns its text and the first problem in it.
        mutating func string() -> (text: String, problem: String?) {
            index += 1
            var scalars = String.UnicodeScalarView()
            var problem: String?
            var runStart = index
            func flush(_ end: Int) {
                scalars.append(contentsOf: String(decoding: UnsafeBufferPointer(rebasing: bytes[runStart..<end]), as: UTF8.self).unicodeScalars)
            }
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    flush(index)
                    index += 1
                    return (String(scalars), problem)
                }
                guard byte == UInt8(ascii: "\\"), index + 1 < bytes.count else {
                    index += 1
                    continue
                }
                flush(index)
                let kind = bytes[index + 1]
                index += 2
                if kind == UInt8(ascii: "u"), let unit = hexUnit() {
                    switch unit {
                    case 0:
                        problem = problem ?? "holds a NUL character (\\u0000), which databases cannot store in text,"
                    case 0xD800..<0xDC00:
                        if bytes.count >= index + 2, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                            let mark = index
                            index += 2
                            if let low = hexUnit(), (0xDC00..<0xE000).contains(low),
                                let scalar = Unicode.Scalar(0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00))
                            {
                                scalars.append(scalar)
                                break
                            }
                            index = mark
                        }
                        problem = problem ?? "holds an unpaired surrogate escape (\\u\(String(unit, radix: 16))), which is no character,"
                    case 0xDC00..<0xE000:
                        problem = problem ?? "holds an unpaired surrogate escape (\\u\(String(unit, radix: 16))), which is no character,"
                    default:
                        if let scalar = Unicode.Scalar(unit) { scalars.append(scalar) }
                    }
                } else {
                    scalars.append(Unicode.Scalar(kind))
                }
                runStart = index
            }
            flush(index)
            return (String(scalars), problem)
        }

        mutating func hexUnit() -> UInt16? {
            guard index + 4 <= bytes.count else { return nil }
            var unit: UInt16 = 0
            for _ in 0..<4 {
                guard let digit = hexDigitValue(bytes[index]) else { return nil }
                unit = unit << 4 | UInt16(digit)
                index += 1
            }
            return unit
        }

        /// `reason`, `invitees[2].name`, or `the top level`.
        func location() -> String {
            var text = ""
            for container in path {
                switch container {
                case .object(let key?): text += text.isEmpty ? key : ".\(key)"
                case .object(nil): break
                case .array(let position): text += "[\(position)]"
                }
            }
            return text.isEmpty ? "the top level" : text
        }
    }
}
