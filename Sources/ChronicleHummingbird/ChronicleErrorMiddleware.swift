public import ChronicleHTTP
public import Hummingbird
import NIOCore

/// Turns every error of the routes after it into a JSON response (see `ChronicleHTTPError`):
/// Chronicle's errors (validation, domain rules, conflicts, missing entities, malformed bodies,
/// a busy entity, a database that cannot serve), Hummingbird's own (no such route), and any
/// other error, which becomes a 500 whose details go to the log, not to the client.
///
/// Failures of the server or its database (5xx) are logged at error level with the request's
/// method, path and the full error (the database's code and message); a busy entity at warning
/// level.
///
/// ```swift
/// router.add(middleware: ChronicleErrorMiddleware(forbiddenCodes: ["not_organizer", "not_invited"]))
/// ```
public struct ChronicleErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Domain error codes answered with 403 Forbidden instead of 422.
    public let forbiddenCodes: Set<String>

    /// Creates the middleware.
    public init(forbiddenCodes: Set<String> = []) {
        self.forbiddenCodes = forbiddenCodes
    }

    /// Runs the rest of the chain, translating its errors.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            throw ChronicleHTTPError.translating(
                error, forbiddenCodes: forbiddenCodes, logger: context.logger, method: request.method.rawValue, path: request.uri.path
            ) { error in
                guard let error = error as? HTTPError else { return nil }
                return ChronicleHTTPError(frameworkStatus: error.status, reason: error.body, headers: error.headers)
            }
        }
    }
}

extension ChronicleHTTPError: HTTPResponseError {
    /// The JSON response.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: status, headers: responseHeaders, body: ResponseBody(byteBuffer: ByteBuffer(bytes: jsonBody)))
    }
}
