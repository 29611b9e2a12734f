public import Hummingbird
import NIOCore

/// The app's request context: Hummingbird's core, the client's address, and the user a valid
/// bearer token named.
public struct MeetingsRequestContext: RequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The client's IP address, when the connection has one.
    public let clientAddress: String?
    /// The authenticated user, once ``Authentication`` has run.
    public var userID: Int?

    /// Creates the context of a request.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.clientAddress = source.channel.remoteAddress?.ipAddress
    }

    /// The authenticated user.
    ///
    /// - Throws: 401 when the route was reached without authentication.
    func user() throws -> Int {
        guard let userID else { throw Authentication.unauthorized("A bearer token is required.") }
        return userID
    }
}
