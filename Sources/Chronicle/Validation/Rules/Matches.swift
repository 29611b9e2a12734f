/// Fails a string that does not match a regular expression as a whole, with the code
/// `invalid_format`.
///
/// ```swift
/// Field(\.roomCode, "room_code") { Matches(/[A-Z]{3}-[0-9]{2}/, message: "must look like ABC-12") }
/// ```
public struct Matches: ValidationRule {
    private let pattern: @Sendable (String) -> Bool
    private let message: String

    /// Allows strings the expression matches from start to end.
    ///
    /// - Parameters:
    ///   - regex: The expression.
    ///   - message: The failure's message; by default `has an invalid format`.
    public init<Output>(_ regex: Regex<Output>, message: String = "has an invalid format") {
        nonisolated(unsafe) let regex = regex
        self.pattern = { (try? regex.wholeMatch(in: $0)) != nil }
        self.message = message
    }

    /// An issue when the string does not match.
    public func validate(_ value: String, in context: ValidationContext) -> [ValidationIssue] {
        pattern(value) ? [] : [ValidationIssue(code: "invalid_format", message: message)]
    }
}
