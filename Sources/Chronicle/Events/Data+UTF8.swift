package import Foundation

package extension Data {
    /// The UTF-8 bytes of a string, copied straight from its storage.
    ///
    /// `Data(text.utf8)` first tries to cast the view to `ContiguousBytes`, a protocol
    /// conformance lookup on every call; drivers call this for every text column of every row
    /// they read.
    init(utf8Of text: String) {
        var text = text
        self = text.withUTF8 { Data(buffer: $0) }
    }
}
