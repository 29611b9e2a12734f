import Chronicle
public import Hummingbird
import Logging

/// Turns every error of the routes after it into a JSON response (see ``ChronicleHTTPError``):
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
            let response = ChronicleHTTPError(error, forbiddenCodes: forbiddenCodes)
            let metadata: Logger.Metadata = [
                "method": "\(request.method)", "path": "\(request.uri.path)", "error": "\(String(reflecting: error))",
            ]
            switch response?.status.code {
            case nil:
                context.logger.error("The request failed", metadata: metadata)
                throw ChronicleHTTPError.internalError
            case 503 where (error as? EventStoreError)?.code == .busy:
                context.logger.warning("The entity stayed busy", metadata: metadata)
            case let code? where code >= 500:
                context.logger.error("The request failed", metadata: metadata)
            default:
                break
            }
            throw response ?? ChronicleHTTPError.internalError
        }
    }
}
