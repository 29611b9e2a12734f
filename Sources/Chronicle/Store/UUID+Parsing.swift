package import Foundation

extension UUID {
    /// Parses the 36-character form (`e621e1f8-c36c-495a-93fc-0c247a3e6e5f`, either case), as
    /// `UUID(uuidString:)` does, without its formatted scan: drivers that keep ids as text parse
    /// one per event read.
    package init?(parsing text: String) {
        var text = text
        let parsed: uuid_t? = text.withUTF8 { bytes in
            guard bytes.count == 36 else { return nil }
            var result: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            var index = 0
            var failed = false
            withUnsafeMutableBytes(of: &result) { output in
                for byte in 0..<16 {
                    if index == 8 || index == 13 || index == 18 || index == 23 {
                        guard bytes[index] == UInt8(ascii: "-") else {
                            failed = true
                            return
                        }
                        index += 1
                    }
                    guard let high = hexDigitValue(bytes[index]), let low = hexDigitValue(bytes[index + 1]) else {
                        failed = true
                        return
                    }
                    output[byte] = high << 4 | low
                    index += 2
                }
            }
            return failed ? nil : result
        }
        guard let parsed else { return nil }
        self.init(uuid: parsed)
    }
}

extension UUID {
    /// The UUID as lowercase text (`6f1c…-…`), without `uuidString`'s formatting and lowercasing.
    package var lowercaseText: String {
        let digits = Array("0123456789abcdef".utf8)
        return withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { output in
                var index = 0
                for (offset, byte) in bytes.enumerated() {
                    if offset == 4 || offset == 6 || offset == 8 || offset == 10 {
                        output[index] = UInt8(ascii: "-")
                        index += 1
                    }
                    output[index] = digits[Int(byte >> 4)]
                    output[index + 1] = digits[Int(byte & 0x0F)]
                    index += 2
                }
                return index
            }
        }
    }
}

/// The value of an ASCII hexadecimal digit, either case.
func hexDigitValue(_ character: UInt8) -> UInt8? {
    switch character {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
    default: nil
    }
}
