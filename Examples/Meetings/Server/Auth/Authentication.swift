import ChronicleHummingbird
import Foundation
public import Hummingbird

/// Admits requests with a valid bearer token (``userID(of:acceptingQueryToken:)``) and records the user in the
/// context; answers 401 with `WWW-Authenticate: Bearer` otherwise.
public struct Authentication: RouterMiddleware {
    /// The app's request context.
    public typealias Context = MeetingsRequestContext

    /// The tokens accepted.
    public let tokens: SessionTokens

    /// Creates the middleware.
    public init(tokens: SessionTokens) {
        self.tokens = tokens
    }

    /// Checks the token, then runs the rest of the chain.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.userID = try await userID(of: request, acceptingQueryToken: false)
        return try await next(request, context)
    }

    /// The user whose token the request carries in `Authorization: Bearer <token>`, or, where
    /// accepted, in the `access_token` query parameter (the event feed's stream: browsers'
    /// `EventSource` cannot send headers) or the `meetings_session` cookie (the event browser's
    /// pages, which a browser navigates to).
    ///
    /// - Throws: 401 with `WWW-Authenticate: Bearer` when there is no valid token.
    func userID(of request: Request, acceptingQueryToken: Bool, acceptingCookie: Bool = false) async throws -> Int {
        let token: String
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.first?.lowercased() == "bearer" else { throw Self.unauthorized("The Authorization header must be \"Bearer <token>\".") }
            token = parts.count == 2 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        } else if acceptingQueryToken, let parameter = request.uri.queryParameters["access_token"] {
            token = String(parameter)
        } else if acceptingCookie, let cookie = request.cookies["meetings_session"] {
            token = cookie.value
        } else {
            throw Self.unauthorized("A bearer token is required: get one from POST /sessions.")
        }
        do {
            return try await tokens.userID(of: token)
        } catch .expired {
            throw Self.unauthorized("The token has expired: get a new one from POST /sessions.")
        } catch {
            throw Self.unauthorized("The token is not valid.")
        }
    }

    static func unauthorized(_ message: String) -> ChronicleHTTPError {
        ChronicleHTTPError.unauthorized(message)
    }
}
