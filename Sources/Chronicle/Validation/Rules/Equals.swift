/// Fails a value other than the expected one, with the code `not_equal`.
///
/// ```swift
/// Field(\.termsAccepted, "terms_accepted") { Equals(true) }    // "must be true"
/// ```
public struct Equals<Value: Equatable & Sendable>: ValidationRule {
    private let expected: Value

    /// Allows only `expected`.
    public init(_ expected: Value) {
        self.expected = expected
    }

    /// An issue when the value differs.
    public func validate(_ value: Value, in context: ValidationContext) -> [ValidationIssue] {
        value == expected ? [] : [ValidationIssue(code: "not_equal", message: "must be \(describe(expected))")]
    }
}
