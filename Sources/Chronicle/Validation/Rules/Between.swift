/// Fails a value outside a closed range, with the codes `too_small` and `too_large`.
///
/// ```swift
/// Field(\.durationMinutes, "duration_minutes") { Between(5...480) }   // "must be between 5 and 480"
/// ```
public struct Between<Value: Comparable & Sendable>: ValidationRule {
    private let range: ClosedRange<Value>

    /// Allows the values of a range, its bounds included.
    public init(_ range: ClosedRange<Value>) {
        self.range = range
    }

    /// An issue when the value is outside the range.
    public func validate(_ value: Value, in context: ValidationContext) -> [ValidationIssue] {
        guard !range.contains(value) else { return [] }
        let message = "must be between \(describe(range.lowerBound)) and \(describe(range.upperBound))"
        return [ValidationIssue(code: value < range.lowerBound ? "too_small" : "too_large", message: message)]
    }
}
