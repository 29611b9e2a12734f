public import Hummingbird

/// Turns the errors Chronicle throws (validation, domain rules, conflicts, missing entities,
/// malformed bodies) into JSON responses; see ``ChronicleHTTPError``. Other errors pass on.
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

    /// Runs the rest of the chain, translating Chronicle's errors.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            throw ChronicleHTTPError(error, forbiddenCodes: forbiddenCodes) ?? error
        }
    }
}
