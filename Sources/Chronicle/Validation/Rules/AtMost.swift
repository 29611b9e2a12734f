/// Fails a value above a bound, with the code `too_large`.
///
/// ```swift
/// Field(\.seats, "seats") { AtMost(500) }     // "must be at most 500"
/// ```
public struct AtMost<Value: Comparable & Sendable>: ValidationRule {
    private let bound: Value

    /// Allows `bound` and below.
    public init(_ bound: Value) {
        self.bound = bound
    }

    /// An issue when the value is above the bound.
    public func validate(_ value: Value, in context: ValidationContext) -> [ValidationIssue] {
        value > bound ? [ValidationIssue(code: "too_large", message: "must be at most \(describe(bound))")] : []
    }
}
