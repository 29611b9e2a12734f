/// Fails text with a control character other than a line break or a tab, with the code
/// `control_character`: for notes and reasons, which may span lines but should hold nothing a
/// terminal or a mail client would act on (an escape, a NUL).
///
/// ```swift
/// Field(\.reason, "reason") { Length(max: 500); PlainText() }   // "must not contain control characters other than line breaks and tabs"
/// ```
public struct PlainText: ValidationRule {
    /// Creates the rule.
    public init() {}

    /// An issue when the text has a control character other than `\n`, `\r` and `\t`.
    public func validate(_ value: String, in context: ValidationContext) -> [ValidationIssue] {
        let refused = value.unicodeScalars.contains {
            $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\r" && $0 != "\t"
        }
        return refused
            ? [ValidationIssue(code: "control_character", message: "must not contain control characters other than line breaks and tabs")] : []
    }
}
