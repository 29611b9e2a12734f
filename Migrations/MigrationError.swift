/// A migration could not be loaded, planned or applied.
///
/// Its ``message`` names the migration and what to do, for example when an applied migration's
/// file was edited after it was applied.
public struct MigrationError: Error, Sendable, CustomStringConvertible {
    /// A sentence describing the problem.
    public var message: String

    /// The database's own error, when applying a statement failed.
    public var underlying: (any Error)?

    /// Creates an error with a message.
    public init(_ message: String, underlying: (any Error)? = nil) {
        self.message = message
        self.underlying = underlying
    }

    /// The message, followed by the underlying error when there is one.
    public var description: String {
        guard let underlying else { return message }
        return "\(message) (\(String(reflecting: underlying)))"
    }
}
