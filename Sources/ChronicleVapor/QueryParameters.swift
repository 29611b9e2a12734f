import ChronicleHTTP
import Foundation
public import Vapor

/// Reading query parameters, with a 400 `invalid_parameter` naming the parameter when one is
/// not valid (see `QueryParameter`): the same rules and answers as ChronicleHummingbird's.
///
/// ```swift
/// let limit = try req.integerParameter("limit", in: 1...500) ?? 50
/// let types = req.listParameter("type")      // ?type=a,b&type=c → ["a", "b", "c"]
/// ```
extension Request {
    /// An integer parameter within a range, or `nil` when absent.
    ///
    /// - Throws: `ChronicleHTTPError` 400 naming the parameter when it is not such an integer.
    public func integerParameter<Number: FixedWidthInteger & Sendable>(_ name: String, in range: ClosedRange<Number>) throws -> Number? {
        try QueryParameter.integer(name, queryValues(name).first, in: range)
    }

    /// A parameter from a fixed set of values, or `nil` when absent.
    ///
    /// - Throws: `ChronicleHTTPError` 400 naming the parameter when it is not one of them.
    public func choiceParameter(_ name: String, in choices: [String]) throws -> String? {
        try QueryParameter.choice(name, queryValues(name).first, in: choices)
    }

    /// Every value of a parameter that may repeat or list values with commas; empty when absent.
    public func listParameter(_ name: String) -> [String] {
        QueryParameter.list(queryValues(name))
    }

    /// The values of a query parameter, percent-decoded, in order.
    func queryValues(_ name: String) -> [Substring] {
        guard let query = url.query else { return [] }
        return query.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard Self.decode(parts[0]) == name else { return nil }
            return Substring(parts.count > 1 ? Self.decode(parts[1]) : "")
        }
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
