import ChronicleHTTP
import HTTPTypes
public import Vapor

/// Turns every error of the routes after it into a JSON response (see `ChronicleHTTPError`):
/// Chronicle's errors (validation, domain rules, conflicts, missing entities, malformed bodies,
/// a busy entity, a database that cannot serve), Vapor's own (`Abort`, no such route, a body over
/// the routes' limit), and any other error, which becomes a 500 whose details go to the log, not
/// to the client. The statuses and bodies are ChronicleHummingbird's, byte for byte.
///
/// Use it in place of Vapor's `ErrorMiddleware`, first:
///
/// ```swift
/// app.middleware = Middlewares()
/// app.middleware.use(ChronicleErrorMiddleware(forbiddenCodes: ["not_owner"]))
/// ```
public struct ChronicleErrorMiddleware: AsyncMiddleware {
    /// Domain error codes answered with 403 Forbidden instead of 422.
    public let forbiddenCodes: Set<String>

    /// Creates the middleware.
    public init(forbiddenCodes: Set<String> = []) {
        self.forbiddenCodes = forbiddenCodes
    }

    /// Runs the rest of the chain, answering its errors.
    public func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let maximumSize = request.application.routes.defaultMaxBodySize.value
            return ChronicleHTTPError.translating(
                error, forbiddenCodes: forbiddenCodes, logger: request.logger, method: request.method.rawValue, path: request.url.path
            ) { error in
                guard let error = error as? any AbortError else { return nil }
                if error.status == .payloadTooLarge { return JSONRequestBody.tooLarge(maximumSize: maximumSize) }
                // Vapor gives every error a reason; only one of its own is worth sending.
                let reason = error.reason == error.status.reasonPhrase ? nil : error.reason
                var headers = HTTPFields()
                for (name, value) in error.headers {
                    if let name = HTTPField.Name(name) { headers.append(HTTPField(name: name, value: value)) }
                }
                return ChronicleHTTPError(frameworkStatus: HTTPResponse.Status(error.status), reason: reason, headers: headers)
            }.vaporResponse
        }
    }
}
