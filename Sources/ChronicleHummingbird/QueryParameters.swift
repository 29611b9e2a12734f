public import ChronicleHTTP
public import Hummingbird

/// Reading query parameters, with a 400 `invalid_parameter` naming the parameter when one is
/// not valid (see `QueryParameter`).
///
/// ```swift
/// let limit = try request.integerParameter("limit", in: 1...500) ?? 50
/// let types = request.listParameter("type")      // ?type=a,b&type=c → ["a", "b", "c"]
/// ```
extension Request {
    /// An integer parameter within a range, or `nil` when absent.
    ///
    /// - Throws: `ChronicleHTTPError` 400 naming the parameter when it is not such an integer.
    public func integerParameter<Number: FixedWidthInteger & Sendable>(_ name: String, in range: ClosedRange<Number>) throws -> Number? {
        try QueryParameter.integer(name, uri.queryParameters[name[...]], in: range)
    }

    /// A parameter from a fixed set of values, or `nil` when absent.
    ///
    /// - Throws: `ChronicleHTTPError` 400 naming the parameter when it is not one of them.
    public func choiceParameter(_ name: String, in choices: [String]) throws -> String? {
        try QueryParameter.choice(name, uri.queryParameters[name[...]], in: choices)
    }

    /// `true`/`false`, or `nil` when absent.
    ///
    /// - Throws: `ChronicleHTTPError` 400 naming the parameter when it is something else.
    public func booleanParameter(_ name: String) throws -> Bool? {
        try choiceParameter(name, in: ["true", "false"]).map { $0 == "true" }
    }

    /// Every value of a parameter that may repeat or list values with commas; empty when absent.
    public func listParameter(_ name: String) -> [String] {
        QueryParameter.list(uri.queryParameters[values: name[...]])
    }

    /// The 400 `invalid_parameter` response naming a query parameter.
    ///
    /// - Parameters:
    ///   - name: The parameter.
    ///   - problem: What is wrong, as the end of a sentence that starts with the name.
    public static func invalidParameter(_ name: String, _ problem: String) -> ChronicleHTTPError {
        QueryParameter.invalid(name, problem)
    }
}
