import Foundation

/// Splits a SQL script into its statements.
///
/// Neither PostgresNIO nor SQLiteNIO runs several statements in one call, so a migration file
/// is split here and run statement by statement, inside one transaction. The splitter knows
/// enough SQL to find the semicolons that end statements: it skips quoted strings and
/// identifiers, `--` and (nested) `/* */` comments, PostgreSQL dollar-quoted bodies such as
/// `$$ … $$` or `$fn$ … $fn$`, and the `BEGIN … END` body of a SQLite trigger.
enum SQLScript {
    static func statements(in sql: String) -> [String] {
        let bytes = Array(sql.utf8)
        var statements: [String] = []
        var start = 0
        var index = 0
        var hasContent = false
        var words: [String] = []  // the statement's words outside quotes and comments
        var word: [UInt8] = []

        func endWord() {
            guard !word.isEmpty else { return }
            words.append(String(decoding: word, as: UTF8.self).uppercased())
            word.removeAll(keepingCapacity: true)
        }

        func isInsideBody() -> Bool {
            // CREATE TRIGGER … BEGIN … END (SQLite) or CREATE FUNCTION … BEGIN ATOMIC … END
            // (PostgreSQL): the semicolons inside end the body's statements, not the script's.
            guard words.first == "CREATE", words.contains("BEGIN") else { return false }
            let opened = words.count { $0 == "BEGIN" || $0 == "CASE" }
            let closed = words.count { $0 == "END" }
            return opened > closed
        }

        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                endWord()
                hasContent = true
                index = skipQuoted(bytes, from: index, quote: byte)
                continue
            case UInt8(ascii: "-") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "-"):
                endWord()
                index = skipLineComment(bytes, from: index)
                continue
            case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*"):
                endWord()
                index = skipBlockComment(bytes, from: index)
                continue
            case UInt8(ascii: "$"):
                if word.isEmpty, let end = skipDollarQuoted(bytes, from: index) {
                    hasContent = true
                    index = end
                    continue
                }
                word.append(byte)
            case UInt8(ascii: ";"):
                endWord()
                if isInsideBody() { break }
                if hasContent {
                    statements.append(trimmed(bytes[start..<index]))
                }
                start = index + 1
                hasContent = false
                words.removeAll()
            default:
                if isWordByte(byte) {
                    word.append(byte)
                } else {
                    endWord()
                }
                if !isSpace(byte) { hasContent = true }
            }
            index += 1
        }
        if hasContent {
            statements.append(trimmed(bytes[start..<bytes.count]))
        }
        return statements
    }

    /// The index after a quoted run that starts at `start` and ends at `quote` (a doubled `quote`
    /// inside is an escaped one).
    static func skipQuoted(_ bytes: [UInt8], from start: Int, quote: UInt8) -> Int {
        var index = start + 1
        while index < bytes.count {
            if bytes[index] == quote {
                // A doubled quote is an escaped quote inside the string.
                if index + 1 < bytes.count && bytes[index + 1] == quote {
                    index += 2
                    continue
                }
                return index + 1
            }
            index += 1
        }
        return index
    }

    /// The index of the line break that ends a `--` comment starting at `start`, or the end.
    static func skipLineComment(_ bytes: [UInt8], from start: Int) -> Int {
        bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
    }

    static func skipBlockComment(_ bytes: [UInt8], from start: Int) -> Int {
        var depth = 0
        var index = start
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "/") && bytes[index + 1] == UInt8(ascii: "*") {
                depth += 1
                index += 2
            } else if bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/") {
                depth -= 1
                index += 2
                if depth == 0 { return index }
            } else {
                index += 1
            }
        }
        return bytes.count
    }

    /// The index after a dollar-quoted body starting at `start`, or `nil` if `$` does not open one
    /// (`$1` is a parameter, not a quote).
    static func skipDollarQuoted(_ bytes: [UInt8], from start: Int) -> Int? {
        var index = start + 1
        while index < bytes.count && bytes[index] != UInt8(ascii: "$") {
            let byte = bytes[index]
            let isTagByte = isWordByte(byte) && !(index == start + 1 && isDigit(byte))
            guard isTagByte else { return nil }
            index += 1
        }
        guard index < bytes.count else { return nil }
        let tag = bytes[start...index]
        var search = index + 1
        while search + tag.count <= bytes.count {
            if bytes[search] == UInt8(ascii: "$") && bytes[search..<(search + tag.count)].elementsEqual(tag) {
                return search + tag.count
            }
            search += 1
        }
        return bytes.count
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func isWordByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || byte == UInt8(ascii: "_") || byte >= 0x80
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}
