import Foundation

/// How an event type's keys are stored: as its `CodingKeys` declare them, or in snake_case
/// (`startsAt` as `starts_at`, `inviteeIDs` as `invitee_ids`), like the rest of a JSON API.
///
/// ```swift
/// struct MeetingScheduled: Event {
///     static let eventType = "meeting.scheduled"
///     static let storedKeys = EventKeyStyle.snakeCase
///     var startsAt: Date
/// }
/// ```
///
/// Changing an event type to ``snakeCase`` needs no upcaster: events stored with their declared
/// keys stay readable, because a stored key without an underscore is read as declared.
/// Upcasters and ``PersonalField`` paths name keys as stored: `starts_at`.
public enum EventKeyStyle: String, Hashable, Sendable {
    /// The keys as the type's `CodingKeys` (or property names) declare them.
    case asDeclared
    /// The declared keys in snake_case, as `JSONEncoder.KeyEncodingStrategy.convertToSnakeCase`
    /// writes them.
    case snakeCase

    /// The stored key of a declared one.
    ///
    /// - Parameter key: The coding key's string value.
    public func storedKey(_ key: String) -> String {
        switch self {
        case .asDeclared: key
        case .snakeCase: Self.snakeCased(key)
        }
    }

    /// `startsAt` → `starts_at`, `inviteeIDs` → `invitee_ids`, `htmlURLValue` → `html_url_value`:
    /// a word starts at an upper-case letter after a lower-case one or a digit, and at the last
    /// letter of an upper-case run when two lower-case letters or more follow it (so the `s`
    /// of `IDs` stays with its acronym).
    static func snakeCased(_ key: String) -> String {
        let characters = Array(key)
        var text = ""
        for (index, character) in characters.enumerated() {
            if character.isUppercase, index > 0 {
                let previous = characters[index - 1]
                let lowerAfter = characters[(index + 1)...].prefix { $0.isLowercase }.count
                if previous.isLowercase || previous.isNumber || (previous.isUppercase && lowerAfter >= 2) {
                    text.append("_")
                }
            }
            text.append(contentsOf: character.lowercased())
        }
        return text
    }

    /// The declared key a stored one names: the declared key whose snake_case it is, else the
    /// stored key camel-cased when it has underscores, else the stored key (an event written
    /// before its type changed to snake_case).
    static func declaredKey(_ stored: String, among declared: [String: String]) -> String {
        if let key = declared[stored] { return key }
        guard stored.contains("_") else { return stored }
        let words = stored.split(separator: "_", omittingEmptySubsequences: true)
        return (words.first.map(String.init) ?? "") + words.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}
