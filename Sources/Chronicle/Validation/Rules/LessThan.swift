/// Fails a value not strictly below a bound, with the code `too_large`.
///
/// ```swift
/// Field(\.discount, "discount") { LessThan(1.0) }     // "must be less than 1.0"
/// ```
public struct LessThan<Value: Comparable & Sendable>: ValidationRule {
    private let bound: Value

    /// Allows values below `bound`.
    public init(_ bound: Value) {
        self.bound = bound
    }

    /// An issue when the value is `bound` or above.
    public func validate(_ value: Value, in context: ValidationContext) -> [ValidationIssue] {
        value < bound ? [] : [ValidationIssue(code: "too_large", message: "must be less than \(describe(bound))")]
    }
}
