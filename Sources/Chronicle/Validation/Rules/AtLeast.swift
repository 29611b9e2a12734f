/// Fails a value below a bound, with the code `too_small`.
///
/// ```swift
/// Field(\.seats, "seats") { AtLeast(2) }      // "must be at least 2"
/// ```
public struct AtLeast<Value: Comparable & Sendable>: ValidationRule {
    private let bound: Value

    /// Allows `bound` and above.
    public init(_ bound: Value) {
        self.bound = bound
    }

    /// An issue when the value is below the bound.
    public func validate(_ value: Value, in context: ValidationContext) -> [ValidationIssue] {
        value < bound ? [ValidationIssue(code: "too_small", message: "must be at least \(describe(bound))")] : []
    }
}
