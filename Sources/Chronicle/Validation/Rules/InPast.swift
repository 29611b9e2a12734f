public import Foundation

/// Fails a date that is not before the current time, with the code `too_late`.
///
/// ```swift
/// Field(\.bornOn, "born_on") { InPast() }     // "must be in the past"
/// ```
public struct InPast: ValidationRule {
    /// Creates the rule.
    public init() {}

    /// An issue when the date is now or later.
    public func validate(_ value: Date, in context: ValidationContext) -> [ValidationIssue] {
        value < context.now ? [] : [ValidationIssue(code: "too_late", message: "must be in the past")]
    }
}
