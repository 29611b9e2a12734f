public import Foundation

/// Fails a date that is not far enough after the current time, with the code `too_early`.
///
/// The current time comes from the ``ValidationContext``: the command pipeline's clock.
///
/// ```swift
/// Field(\.startsAt, "starts_at") { InFuture(atLeast: .minutes(5)) }  // "must be at least 5 minutes from now"
/// Field(\.deadline, "deadline") { InFuture() }                       // "must be in the future"
/// ```
public struct InFuture: ValidationRule {
    private let margin: Duration

    /// Allows dates at least `margin` after now (after now, when the margin is zero).
    public init(atLeast margin: Duration = .zero) {
        self.margin = margin
    }

    /// An issue when the date is too early.
    public func validate(_ value: Date, in context: ValidationContext) -> [ValidationIssue] {
        let earliest = context.now.addingTimeInterval(margin.timeInterval)
        if margin == .zero {
            return value > earliest ? [] : [ValidationIssue(code: "too_early", message: "must be in the future")]
        }
        return value >= earliest
            ? [] : [ValidationIssue(code: "too_early", message: "must be at least \(describe(margin)) from now")]
    }
}
