/// Fails zero and negative numbers, with the code `not_positive`.
///
/// ```swift
/// Field(\.inviteeIDs, "invitee_ids") { Each { Positive() } }    // "invitee_ids[1] must be positive"
/// ```
public struct Positive<Value: Numeric & Comparable & Sendable>: ValidationRule {
    /// Creates the rule.
    public init() {}

    /// An issue when the value is zero or less.
    public func validate(_ value: Value, in context: ValidationContext) -> [ValidationIssue] {
        value > .zero ? [] : [ValidationIssue(code: "not_positive", message: "must be positive")]
    }
}
