public import Chronicle
import Foundation
public import HTTPTypes
public import Hummingbird

extension EventMetadata {
    /// The metadata of a request's events: the actor, the request id (`X-Request-ID`, or a new
    /// one), the user agent and the client's address.
    ///
    /// ```swift
    /// let metadata = EventMetadata(request: request, actor: user.id, clientAddress: context.remoteAddress?.ipAddress)
    /// try await aggregates.execute(command, on: id, metadata: metadata)
    /// ```
    public init(request: Request, actor: String?, clientAddress: String? = nil) {
        var custom: [String: JSONValue] = [:]
        if let agent = request.headers[.userAgent] { custom["user_agent"] = .string(String(agent.prefix(500))) }
        if let clientAddress { custom["client_address"] = .string(clientAddress) }
        self.init(
            actor: actor,
            requestID: request.headers[.xRequestID].map { String($0.prefix(200)) } ?? UUID().uuidString.lowercased(),
            custom: custom)
    }
}

extension HTTPField.Name {
    /// `X-Request-ID`: the request's id, carried into its events' metadata.
    public static let xRequestID = Self("X-Request-ID")!
}
