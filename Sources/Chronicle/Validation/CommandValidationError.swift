/// A command that failed its schema: every failing field at once. Nothing was written.
///
/// ```swift
/// do {
///     try await aggregates.execute(command, on: id)
/// } catch let error as CommandValidationError {
///     error.failuresByField["title"]    // [ValidationFailure(field: "title", code: "blank", …)]
/// }
/// ```
public struct CommandValidationError: Error, Sendable, CustomStringConvertible {
    /// The command's type name.
    public var command: String

    /// The failures, in the order of the schema.
    public var failures: [ValidationFailure]

    /// Creates the error of a command with failures.
    public init(command: String, failures: [ValidationFailure]) {
        self.command = command
        self.failures = failures
    }

    /// The failures grouped by field, as error payloads send them.
    public var failuresByField: [String: [ValidationFailure]] {
        Dictionary(grouping: failures, by: \.field)
    }

    /// `Invalid ScheduleMeeting: title must not be blank; invitee_ids must not be empty.`
    public var description: String {
        "Invalid \(command): \(failures.map(\.description).joined(separator: "; "))."
    }
}
