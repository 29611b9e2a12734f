/// Fails a string that is empty or only whitespace, with the code `blank`.
///
/// ```swift
/// Field(\.title, "title") { NotBlank() }    // "must not be blank"
/// ```
public struct NotBlank: ValidationRule {
    /// Creates the rule.
    public init() {}

    /// An issue when the string has no other characters than whitespace.
    public func validate(_ value: String, in context: ValidationContext) -> [ValidationIssue] {
        value.allSatisfy(\.isWhitespace) ? [ValidationIssue(code: "blank", message: "must not be blank")] : []
    }
}
