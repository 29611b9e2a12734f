public import Foundation

/// What rules may consult besides the value: the current time, for rules relative to now.
///
/// Validation needs no database. The time comes from the caller (the command pipeline's clock),
/// so tests can fix it.
public struct ValidationContext: Sendable {
    /// The current time.
    public var now: Date

    /// Creates a context.
    public init(now: Date = Date()) {
        self.now = now
    }
}
