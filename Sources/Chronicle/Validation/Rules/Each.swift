/// Applies rules to every element of a collection, reporting failures at the element's index.
///
/// ```swift
/// Field(\.inviteeIDs, "invitee_ids") { Each { Positive() } }       // "invitee_ids[2] must be positive"
/// Field(\.agenda, "agenda") { Each { AgendaItem.schema } }         // "agenda[0].title must not be blank"
/// ```
public struct Each<Value: Collection>: ValidationRule {
    private let rules: [AnyValidationRule<Value.Element>]

    /// Applies the rules to each element.
    public init(@ValidationRuleBuilder<Value.Element> _ rules: () -> [AnyValidationRule<Value.Element>]) {
        self.rules = rules()
    }

    /// The elements' issues, each below its index.
    public func validate(_ value: Value, in context: ValidationContext) -> [ValidationIssue] {
        value.enumerated().flatMap { index, element in
            rules.flatMap { $0.validate(element, in: context) }.map { $0.nested(under: .index(index)) }
        }
    }
}
