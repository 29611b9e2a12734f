/// The words of a SQL text that name or do something: keywords and identifiers, quoted or not,
/// outside string literals and comments, lowercased.
///
/// It knows the same quoting as ``SQLScript``: `'strings'` and dollar-quoted bodies are skipped
/// (their contents are data), `--` and `/* */` comments are skipped, and `"identifiers"`,
/// `` `identifiers` `` and `[identifiers]` count as words. `schema.table` gives two words.
enum SQLWords {
    static func words(in sql: String) -> [String] {
        let bytes = Array(sql.utf8)
        var words: [String] = []
        var word: [UInt8] = []
        var index = 0

        func endWord() {
            guard !word.isEmpty else { return }
            words.append(String(decoding: word, as: UTF8.self).lowercased())
            word.removeAll(keepingCapacity: true)
        }

        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "'"):
                endWord()
                index = SQLScript.skipQuoted(bytes, from: index, quote: byte)
                continue
            case UInt8(ascii: "\""), UInt8(ascii: "`"), UInt8(ascii: "["):
                endWord()
                let close = byte == UInt8(ascii: "[") ? UInt8(ascii: "]") : byte
                let end = SQLScript.skipQuoted(bytes, from: index, quote: close)
                let contentEnd = max(index + 1, bytes[end - 1] == close ? end - 1 : end)
                words.append(String(decoding: bytes[(index + 1)..<contentEnd], as: UTF8.self).lowercased())
                index = end
                continue
            case UInt8(ascii: "-") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "-"):
                endWord()
                index = SQLScript.skipLineComment(bytes, from: index)
                continue
            case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*"):
                endWord()
                index = SQLScript.skipBlockComment(bytes, from: index)
                continue
            case UInt8(ascii: "$") where word.isEmpty:
                if let end = SQLScript.skipDollarQuoted(bytes, from: index) {
                    index = end
                    continue
                }
                word.append(byte)
            default:
                if SQLScript.isWordByte(byte) {
                    word.append(byte)
                } else {
                    endWord()
                }
            }
            index += 1
        }
        endWord()
        return words
    }
}
