import ChronicleHummingbird
import Foundation
import HTTPTypes
public import Hummingbird

/// Admits requests with a valid `Authorization: Bearer <token>` and records the user in the
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
        guard let header = request.headers[.authorization] else { throw Self.unauthorized("A bearer token is required: get one from POST /sessions.") }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.first?.lowercased() == "bearer" else { throw Self.unauthorized("The Authorization header must be \"Bearer <token>\".") }
        var context = context
        do {
            context.userID = try await tokens.userID(of: parts.count == 2 ? parts[1].trimmingCharacters(in: .whitespaces) : "")
        } catch .expired {
            throw Self.unauthorized("The token has expired: get a new one from POST /sessions.")
        } catch {
            throw Self.unauthorized("The token is not valid.")
        }
        return try await next(request, context)
    }

    static func unauthorized(_ message: String) -> ChronicleHTTPError {
        var headers = HTTPFields()
        headers[.wwwAuthenticate] = "Bearer"
        return ChronicleHTTPError(status: .unauthorized, body: ChronicleHTTPError.error(code: "unauthorized", message: message), headers: headers)
    }
}
