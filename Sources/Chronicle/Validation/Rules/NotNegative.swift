/// Fails negative numbers, with the code `negative`.
///
/// ```swift
/// Field(\.quantity, "quantity") { NotNegative() }    // "must not be negative"
/// ```
public struct NotNegative<Value: Numeric & Comparable & Sendable>: ValidationRule {
    /// Creates the rule.
    public init() {}

    /// An issue when the value is below zero.
    public func validate(_ value: Value, in context: ValidationContext) -> [ValidationIssue] {
        value < .zero ? [ValidationIssue(code: "negative", message: "must not be negative")] : []
    }
}
