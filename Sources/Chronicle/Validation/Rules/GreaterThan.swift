/// Fails a value not strictly above a bound, with the code `too_small`.
///
/// ```swift
/// Field(\.price, "price") { GreaterThan(0.0) }     // "must be greater than 0.0"
/// ```
public struct GreaterThan<Value: Comparable & Sendable>: ValidationRule {
    private let bound: Value

    /// Allows values above `bound`.
    public init(_ bound: Value) {
        self.bound = bound
    }

    /// An issue when the value is `bound` or below.
    public func validate(_ value: Value, in context: ValidationContext) -> [ValidationIssue] {
        value > bound ? [] : [ValidationIssue(code: "too_small", message: "must be greater than \(describe(bound))")]
    }
}
