public import Foundation

/// The declarative validation of a value, usually a command: a list of fields and their rules.
///
/// A schema reports every failing field at once, with a stable code and a readable message,
/// and needs no database.
///
/// ```swift
/// static let schema = Schema<ScheduleMeeting> {
///     Field(\.title, "title") { NotBlank(); Length(max: 200) }
///     Field(\.startsAt, "starts_at") { InFuture(atLeast: .minutes(5)) }
///     Field(\.inviteeIDs, "invitee_ids") { NotEmpty(); Unique(); Each { Positive() } }
///     Field(\.durationMinutes, "duration_minutes") { Between(5...480) }   // optional: checked when present
///     Rule("invitee_ids", code: "organizer_invited", message: "must not include the organizer") {
///         !$0.inviteeIDs.contains($0.organizerID)
///     }
/// }
/// ```
public struct Schema<Root>: Sendable {
    private let components: [SchemaComponent<Root>]

    /// Creates a schema from its fields and rules.
    public init(@SchemaBuilder<Root> _ content: () -> [SchemaComponent<Root>]) {
        self.components = content()
    }

    /// A schema without rules: every value passes.
    public static var empty: Schema<Root> { Schema {} }

    /// Every failure of a value, in the order of the schema's fields.
    ///
    /// - Parameters:
    ///   - value: The value to check.
    ///   - now: The time rules relative to now compare with.
    public func validate(_ value: Root, now: Date = Date()) -> [ValidationFailure] {
        issues(value, in: ValidationContext(now: now)).map {
            ValidationFailure(field: ValidationPathComponent.render($0.path), code: $0.code, message: $0.message)
        }
    }

    /// The issues of a value, with paths from the value's root.
    func issues(_ value: Root, in context: ValidationContext) -> [ValidationIssue] {
        components.flatMap { $0.issues(value, context) }
    }
}

/// One entry of a ``Schema``: a ``Field`` or a ``Rule``.
public struct SchemaComponent<Root>: Sendable {
    let issues: @Sendable (Root, ValidationContext) -> [ValidationIssue]
}

/// Builds the fields and rules of a ``Schema``.
@resultBuilder
public enum SchemaBuilder<Root>: Sendable {
    /// A field.
    public static func buildExpression<Value>(_ field: Field<Root, Value>) -> [SchemaComponent<Root>] {
        [field.component]
    }

    /// A rule across fields.
    public static func buildExpression(_ rule: Rule<Root>) -> [SchemaComponent<Root>] {
        [rule.component]
    }

    /// The entries in order.
    public static func buildBlock(_ components: [SchemaComponent<Root>]...) -> [SchemaComponent<Root>] {
        components.flatMap { $0 }
    }

    /// Entries under an `if`.
    public static func buildOptional(_ component: [SchemaComponent<Root>]?) -> [SchemaComponent<Root>] {
        component ?? []
    }

    /// Entries under an `if`/`else`.
    public static func buildEither(first component: [SchemaComponent<Root>]) -> [SchemaComponent<Root>] {
        component
    }

    /// Entries under an `if`/`else`.
    public static func buildEither(second component: [SchemaComponent<Root>]) -> [SchemaComponent<Root>] {
        component
    }
}
