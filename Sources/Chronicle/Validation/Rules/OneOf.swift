/// Fails a value outside a list, with the code `not_allowed`.
///
/// ```swift
/// Field(\.response, "response") { OneOf(["accepted", "declined"]) }  // "must be one of accepted, declined"
/// ```
public struct OneOf<Value: Equatable & Sendable>: ValidationRule {
    private let allowed: [Value]

    /// Allows the listed values.
    public init(_ allowed: [Value]) {
        self.allowed = allowed
    }

    /// An issue when the value is not listed.
    public func validate(_ value: Value, in context: ValidationContext) -> [ValidationIssue] {
        allowed.contains(value)
            ? [] : [ValidationIssue(code: "not_allowed", message: "must be one of \(allowed.map(describe).joined(separator: ", "))")]
    }
}
