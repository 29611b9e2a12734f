/// A rule written as a closure, with its own code and message.
///
/// ```swift
/// Field(\.startsAt, "starts_at") {
///     Custom(code: "weekend", message: "must be on a weekday") { !Calendar.current.isDateInWeekend($0) }
/// }
/// ```
public struct Custom<Value>: ValidationRule {
    private let code: String
    private let message: String
    private let isValid: @Sendable (Value) -> Bool

    /// A rule that passes when `isValid` returns `true`.
    public init(code: String, message: String, _ isValid: @escaping @Sendable (Value) -> Bool) {
        self.code = code
        self.message = message
        self.isValid = isValid
    }

    /// An issue when the closure returns `false`.
    public func validate(_ value: Value, in context: ValidationContext) -> [ValidationIssue] {
        isValid(value) ? [] : [ValidationIssue(code: code, message: message)]
    }
}
