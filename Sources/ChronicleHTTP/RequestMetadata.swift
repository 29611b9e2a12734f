public import Chronicle
import Foundation

extension EventMetadata {
    /// The metadata of an HTTP request's events: the actor, the request id (`X-Request-ID`, or
    /// a new one), the user agent and the client's address. Each web framework's integration
    /// reads these from its own request type.
    ///
    /// - Parameters:
    ///   - requestID: The `X-Request-ID` header, if any: kept to 200 characters.
    ///   - userAgent: The `User-Agent` header, if any: kept to 500 characters.
    ///   - actor: Who sent the request.
    ///   - clientAddress: The client's IP address, if known.
    public init(requestID: String?, userAgent: String?, actor: String?, clientAddress: String?) {
        var custom: [String: JSONValue] = [:]
        if let userAgent { custom["user_agent"] = .string(String(userAgent.prefix(500))) }
        if let clientAddress { custom["client_address"] = .string(clientAddress) }
        self.init(
            actor: actor,
            requestID: requestID.map { String($0.prefix(200)) } ?? UUID().uuidString.lowercased(),
            custom: custom)
    }
}
