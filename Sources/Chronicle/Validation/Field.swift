/// A field of a ``Schema``: a key path, the name clients know the field by, and its rules.
///
/// ```swift
/// Field(\.title, "title") { NotBlank(); Length(max: 200) }
/// Field(\.durationMinutes, "duration_minutes") { Between(5...480) }        // Int?: checked when present
/// Field(\.email, "email", required: true) { Matches(/.+@.+/, message: "must be an email address") }
/// ```
public struct Field<Root, Value>: Sendable {
    let component: SchemaComponent<Root>

    /// A field whose rules always run.
    ///
    /// - Parameters:
    ///   - keyPath: Where the value is.
    ///   - name: The field's name in messages and error payloads, usually as in the JSON.
    ///   - rules: The value's rules, all checked.
    public init(
        _ keyPath: any KeyPath<Root, Value> & Sendable,
        _ name: String,
        @ValidationRuleBuilder<Value> _ rules: () -> [AnyValidationRule<Value>]
    ) {
        let rules = rules()
        self.component = SchemaComponent { root, context in
            let value = root[keyPath: keyPath]
            return rules.flatMap { $0.validate(value, in: context) }.map { $0.nested(under: .field(name)) }
        }
    }

    /// An optional field: its rules run only when a value is present.
    ///
    /// - Parameters:
    ///   - keyPath: Where the optional value is.
    ///   - name: The field's name in messages and error payloads.
    ///   - required: Whether a missing value fails, with the code `required`.
    ///   - rules: The rules of a present value.
    public init<Wrapped>(
        _ keyPath: any KeyPath<Root, Wrapped?> & Sendable,
        _ name: String,
        required: Bool = false,
        @ValidationRuleBuilder<Wrapped> _ rules: () -> [AnyValidationRule<Wrapped>] = { [] }
    ) where Value == Wrapped? {
        let rules = rules()
        self.component = SchemaComponent { root, context in
            guard let value = root[keyPath: keyPath] else {
                return required ? [ValidationIssue(code: "required", message: "is required", path: [.field(name)])] : []
            }
            return rules.flatMap { $0.validate(value, in: context) }.map { $0.nested(under: .field(name)) }
        }
    }
}

/// A rule across fields of a ``Schema``, reported under one field's name.
///
/// ```swift
/// Rule("invitee_ids", code: "organizer_invited", message: "must not include the organizer") {
///     !$0.inviteeIDs.contains($0.organizerID)
/// }
/// ```
public struct Rule<Root>: Sendable {
    let component: SchemaComponent<Root>

    /// A rule that passes when `isValid` returns `true`.
    ///
    /// - Parameters:
    ///   - field: The field the failure is reported under.
    ///   - code: The failure's stable code.
    ///   - message: The failure's message.
    ///   - isValid: Whether the whole value passes.
    public init(
        _ field: String, code: String, message: String, _ isValid: @escaping @Sendable (Root) -> Bool
    ) {
        self.component = SchemaComponent { root, _ in
            isValid(root) ? [] : [ValidationIssue(code: code, message: message, path: [.field(field)])]
        }
    }
}
