public import Chronicle
import ChronicleHTTP
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
        self.init(requestID: request.headers[.xRequestID], userAgent: request.headers[.userAgent], actor: actor, clientAddress: clientAddress)
    }
}
