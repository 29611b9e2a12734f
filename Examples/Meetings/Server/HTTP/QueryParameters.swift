import Chronicle
import ChronicleHummingbird
import Hummingbird

/// Reading query parameters, with a 400 naming the parameter when one is not valid.
extension Request {
    /// An integer parameter within a range, or `nil` when absent.
    func integerParameter(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = uri.queryParameters[name[...]] else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw Self.invalidParameter(name, "must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// A parameter from a fixed set of values, or `nil` when absent.
    func choiceParameter(_ name: String, in choices: [String]) throws -> String? {
        guard let text = uri.queryParameters[name[...]] else { return nil }
        guard choices.contains(String(text)) else {
            throw Self.invalidParameter(name, "must be one of \(choices.joined(separator: ", "))")
        }
        return String(text)
    }

    /// `true`/`false`, or `nil` when absent.
    func booleanParameter(_ name: String) throws -> Bool? {
        try choiceParameter(name, in: ["true", "false"]).map { $0 == "true" }
    }

    private static func invalidParameter(_ name: String, _ problem: String) -> ChronicleHTTPError {
        ChronicleHTTPError(
            status: .badRequest, body: ChronicleHTTPError.error(code: "invalid_parameter", message: "\(name) \(problem).", field: name))
    }
}
