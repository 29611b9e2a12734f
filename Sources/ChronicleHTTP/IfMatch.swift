public import Chronicle
import Foundation

/// What an `If-Match` header asks of an entity whose entity tag is its version (`ETag: "3"`),
/// as RFC 9110 (section 13.1.1) defines it.
///
/// ```swift
/// IfMatch(header: "*")            // .anyVersion
/// IfMatch(header: "\"3\", \"4\"")  // .versions([3, 4])
/// IfMatch(header: "W/\"3\"")      // .neverMatches: If-Match compares tags strongly
/// IfMatch(header: "3")            // nil: not an entity tag
/// ```
public enum IfMatch: Hashable, Sendable {
    /// `*`: the entity must exist, at whatever version.
    case anyVersion
    /// Strong entity tags: the entity must be at one of these versions.
    case versions(Set<Int>)
    /// Only weak tags (`W/"3"`), which never match under If-Match's strong comparison.
    case neverMatches

    /// Reads a header's value: `*`, or a comma-separated list of entity tags.
    ///
    /// - Returns: `nil` when the value is neither.
    public init?(header: String) {
        let value = header.trimmingCharacters(in: [" ", "\t"])
        if value == "*" {
            self = .anyVersion
            return
        }
        var versions = Set<Int>()
        var strong = false
        var rest = Substring(value)
        while true {
            rest = rest.drop { $0 == " " || $0 == "\t" }
            let weak = rest.hasPrefix("W/")
            if weak { rest = rest.dropFirst(2) }
            guard rest.first == "\"", let close = rest.dropFirst().firstIndex(of: "\"") else { return nil }
            let tag = rest[rest.index(after: rest.startIndex)..<close]
            guard tag.unicodeScalars.allSatisfy({ $0 == "\u{21}" || ("\u{23}"..."\u{7E}").contains($0) || $0.value >= 0x80 }) else { return nil }
            if !weak {
                strong = true
                if let version = Int(tag), version >= 0, String(version) == tag { versions.insert(version) }
            }
            rest = rest[rest.index(after: close)...].drop { $0 == " " || $0 == "\t" }
            if rest.isEmpty { break }
            guard rest.first == "," else { return nil }
            rest = rest.dropFirst()
        }
        self = strong ? .versions(versions) : .neverMatches
    }

    /// What an append must expect of an entity now at `currentVersion`: the version it must
    /// still be at when the condition names it, any version for `*`, or `nil` when the
    /// condition fails.
    public func expectation(forCurrentVersion currentVersion: Int) -> ExpectedVersion? {
        switch self {
        case .anyVersion: .any
        case .versions(let versions): versions.contains(currentVersion) ? .exactly(currentVersion) : nil
        case .neverMatches: nil
        }
    }
}
