/// A check of one value, used inside a ``Field`` of a ``Schema``.
///
/// Chronicle's rules (``NotBlank``, ``Length``, ``AtLeast``, ``InFuture``, ``Each``, …) cover the
/// usual cases; ``Custom`` takes a closure. Write your own by conforming:
///
/// ```swift
/// struct EvenNumber: ValidationRule {
///     func validate(_ value: Int, in context: ValidationContext) -> [ValidationIssue] {
///         value.isMultiple(of: 2) ? [] : [ValidationIssue(code: "odd", message: "must be even")]
///     }
/// }
/// ```
public protocol ValidationRule<Value>: Sendable {
    /// The type of value the rule checks.
    associatedtype Value

    /// The issues the value has; empty when it passes.
    func validate(_ value: Value, in context: ValidationContext) -> [ValidationIssue]
}

/// Any rule for values of one type.
public struct AnyValidationRule<Value>: ValidationRule {
    private let check: @Sendable (Value, ValidationContext) -> [ValidationIssue]

    /// Wraps a rule.
    public init<Rule: ValidationRule>(_ rule: Rule) where Rule.Value == Value {
        self.check = { rule.validate($0, in: $1) }
    }

    /// Wraps a closure.
    public init(_ check: @escaping @Sendable (Value, ValidationContext) -> [ValidationIssue]) {
        self.check = check
    }

    /// Runs the wrapped rule.
    public func validate(_ value: Value, in context: ValidationContext) -> [ValidationIssue] {
        check(value, context)
    }
}

/// Builds the list of rules of a ``Field`` or ``Each``.
@resultBuilder
public enum ValidationRuleBuilder<Value>: Sendable {
    /// A rule.
    public static func buildExpression<Rule: ValidationRule>(_ rule: Rule) -> [AnyValidationRule<Value>]
    where Rule.Value == Value {
        [AnyValidationRule(rule)]
    }

    /// A nested schema: the value's own fields, reported below the field's name.
    public static func buildExpression(_ schema: Schema<Value>) -> [AnyValidationRule<Value>] {
        [AnyValidationRule { value, context in schema.issues(value, in: context) }]
    }

    /// The rules in order.
    public static func buildBlock(_ components: [AnyValidationRule<Value>]...) -> [AnyValidationRule<Value>] {
        components.flatMap { $0 }
    }

    /// Rules under an `if`.
    public static func buildOptional(_ component: [AnyValidationRule<Value>]?) -> [AnyValidationRule<Value>] {
        component ?? []
    }

    /// Rules under an `if`/`else`.
    public static func buildEither(first component: [AnyValidationRule<Value>]) -> [AnyValidationRule<Value>] {
        component
    }

    /// Rules under an `if`/`else`.
    public static func buildEither(second component: [AnyValidationRule<Value>]) -> [AnyValidationRule<Value>] {
        component
    }

    /// Rules from a `for` loop.
    public static func buildArray(_ components: [[AnyValidationRule<Value>]]) -> [AnyValidationRule<Value>] {
        components.flatMap { $0 }
    }
}
