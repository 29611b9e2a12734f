/// Fails text with a control character or a line break, with the code `control_character`: for
/// titles, names and subjects, which end up in single-line places (a mail's subject, a log line).
///
/// ```swift
/// Field(\.title, "title") { NotBlank(); Length(max: 200); SingleLine() }   // "must be one line without control characters"
/// ```
public struct SingleLine: ValidationRule {
    /// Creates the rule.
    public init() {}

    /// An issue when the text has a control character (C0, DEL, C1) or a line or paragraph
    /// separator.
    public func validate(_ value: String, in context: ValidationContext) -> [ValidationIssue] {
        let refused = value.unicodeScalars.contains { $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" }
        return refused ? [ValidationIssue(code: "control_character", message: "must be one line without control characters")] : []
    }
}
