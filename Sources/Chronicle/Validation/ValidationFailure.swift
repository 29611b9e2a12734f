/// One failed rule of a command's schema: which field, a stable code, and a readable message.
///
/// The ``code`` is for programs (clients translate it, tests match it) and never changes; the
/// ``message`` is for people and reads after the field name:
///
/// ```swift
/// ValidationFailure(field: "starts_at", code: "too_early", message: "must be at least 5 minutes from now")
/// // starts_at must be at least 5 minutes from now
/// ```
public struct ValidationFailure: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The field's name as clients know it, with a path into nested values and lists:
    /// `title`, `address.city`, `invitee_ids[2]`.
    public var field: String

    /// A stable machine code in snake case, for example `blank`, `too_short`, `too_early`.
    public var code: String

    /// A readable message that follows the field name, for example `must not be blank`.
    public var message: String

    /// Creates a failure.
    public init(field: String, code: String, message: String) {
        self.field = field
        self.code = code
        self.message = message
    }

    /// The field name followed by the message.
    public var description: String { field.isEmpty ? message : "\(field) \(message)" }
}
