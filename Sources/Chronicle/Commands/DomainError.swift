/// An error a command raises when a rule of the entity's state forbids it.
///
/// Conform your domain's error enums to give each case a stable code and a message; the HTTP
/// integration turns them into `422` responses with the code.
///
/// ```swift
/// enum MeetingError: DomainError {
///     case notScheduled, notInvited
///     var code: String { self == .notScheduled ? "meeting_not_scheduled" : "not_invited" }
///     var message: String { self == .notScheduled ? "Only a scheduled meeting can be accepted." : "Only invitees can accept." }
/// }
/// ```
public protocol DomainError: Error, Sendable {
    /// A stable machine code in snake case.
    var code: String { get }
    /// A readable sentence.
    var message: String { get }
}

/// A ``DomainError`` written on the spot.
///
/// ```swift
/// throw RuleViolation(code: "meeting_cancelled", message: "A cancelled meeting cannot change.")
/// ```
public struct RuleViolation: DomainError, Equatable, CustomStringConvertible {
    /// A stable machine code in snake case.
    public var code: String
    /// A readable sentence.
    public var message: String

    /// Creates a violation.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}
