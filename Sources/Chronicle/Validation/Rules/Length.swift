/// Bounds the length of a string (in Unicode scalars, what JSON Schema's `maxLength` counts) or
/// of a collection (in elements), with the codes `too_short` and `too_long`.
///
/// A string's length counts code points, not what a reader sees as characters: `"👩🏽‍💻"` is
/// one character but four code points, so a limit cannot be dodged with combining marks.
///
/// ```swift
/// Field(\.title, "title") { Length(1...200) }        // "must be at most 200 characters long"
/// Field(\.tags, "tags") { Length(max: 10) }          // "must have at most 10 elements"
/// ```
public struct Length<Value: Collection>: ValidationRule {
    private let minimum: Int?
    private let maximum: Int?

    /// Allows lengths in a range.
    public init(_ range: ClosedRange<Int>) {
        self.minimum = range.lowerBound
        self.maximum = range.upperBound
    }

    /// Allows lengths from `min`, up to `max` when given.
    public init(min: Int, max: Int? = nil) {
        self.minimum = min
        self.maximum = max
    }

    /// Allows lengths up to `max`.
    public init(max: Int) {
        self.minimum = nil
        self.maximum = max
    }

    /// An issue when the length is outside the bounds.
    public func validate(_ value: Value, in context: ValidationContext) -> [ValidationIssue] {
        let count = (value as? any StringProtocol)?.unicodeScalars.count ?? value.count
        if let minimum, count < minimum {
            return [ValidationIssue(code: "too_short", message: "must \(Self.measure(minimum, "at least"))")]
        }
        if let maximum, count > maximum {
            return [ValidationIssue(code: "too_long", message: "must \(Self.measure(maximum, "at most"))")]
        }
        return []
    }

    private static func measure(_ count: Int, _ bound: String) -> String {
        if Value.self is any StringProtocol.Type {
            return "be \(bound) \(count) character\(count == 1 ? "" : "s") long"
        }
        return "have \(bound) \(count) element\(count == 1 ? "" : "s")"
    }
}
