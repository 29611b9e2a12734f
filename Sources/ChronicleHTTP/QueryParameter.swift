import HTTPTypes

/// Reading query parameters, with a 400 `invalid_parameter` naming the parameter when one is
/// not valid: the rules both web frameworks' integrations apply to the text they find.
public enum QueryParameter: Sendable {
    /// An integer parameter within a range, or `nil` when absent.
    ///
    /// - Parameters:
    ///   - name: The parameter.
    ///   - text: Its value, if the request has it.
    ///   - range: The values it may take.
    /// - Throws: ``ChronicleHTTPError`` 400 naming the parameter when it is not such an integer.
    public static func integer<Number: FixedWidthInteger & Sendable>(_ name: String, _ text: Substring?, in range: ClosedRange<Number>) throws -> Number? {
        guard let text else { return nil }
        guard let value = Number(text), range.contains(value) else {
            throw invalid(name, "must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// A parameter from a fixed set of values, or `nil` when absent.
    ///
    /// - Parameters:
    ///   - name: The parameter.
    ///   - text: Its value, if the request has it.
    ///   - choices: The values it may take.
    /// - Throws: ``ChronicleHTTPError`` 400 naming the parameter when it is not one of them.
    public static func choice(_ name: String, _ text: Substring?, in choices: [String]) throws -> String? {
        guard let text else { return nil }
        guard choices.contains(String(text)) else {
            throw invalid(name, "must be one of \(choices.joined(separator: ", "))")
        }
        return String(text)
    }

    /// Every value of a parameter that may repeat or list values with commas.
    ///
    /// - Parameter values: The parameter's values, in the order the request gives them.
    public static func list(_ values: [Substring]) -> [String] {
        values.flatMap { $0.split(separator: ",") }.map(String.init).filter { !$0.isEmpty }
    }

    /// The 400 `invalid_parameter` response naming a query parameter.
    ///
    /// - Parameters:
    ///   - name: The parameter.
    ///   - problem: What is wrong, as the end of a sentence that starts with the name.
    public static func invalid(_ name: String, _ problem: String) -> ChronicleHTTPError {
        ChronicleHTTPError(
            status: .badRequest, body: ChronicleHTTPError.error(code: "invalid_parameter", message: "\(name) \(problem).", field: name))
    }
}
