/// Fails a collection that holds an element twice, with the code `duplicate`, reported at the
/// repeated element.
///
/// ```swift
/// Field(\.inviteeIDs, "invitee_ids") { Unique() }    // "invitee_ids[3] must not repeat an earlier element"
/// ```
public struct Unique<Value: Collection>: ValidationRule where Value.Element: Hashable {
    /// Creates the rule.
    public init() {}

    /// An issue at each element that repeats an earlier one.
    public func validate(_ value: Value, in context: ValidationContext) -> [ValidationIssue] {
        var seen = Set<Value.Element>()
        var issues: [ValidationIssue] = []
        for (index, element) in value.enumerated() where !seen.insert(element).inserted {
            issues.append(ValidationIssue(code: "duplicate", message: "must not repeat an earlier element", path: [.index(index)]))
        }
        return issues
    }
}
