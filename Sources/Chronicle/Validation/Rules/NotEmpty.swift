/// Fails an empty string or collection, with the code `empty`.
///
/// ```swift
/// Field(\.inviteeIDs, "invitee_ids") { NotEmpty() }    // "must not be empty"
/// ```
public struct NotEmpty<Value: Collection>: ValidationRule {
    /// Creates the rule.
    public init() {}

    /// An issue when the value has no elements.
    public func validate(_ value: Value, in context: ValidationContext) -> [ValidationIssue] {
        value.isEmpty ? [ValidationIssue(code: "empty", message: "must not be empty")] : []
    }
}
