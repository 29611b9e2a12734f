public import ChronicleProjections
import HTTPTypes
public import Hummingbird

/// Makes reads wait for a request's own writes: a request carrying `Chronicle-Min-Position`
/// (the `Chronicle-Position` a write returned) is served once the async projections have
/// applied the log that far, or answered 503 with `Retry-After` when they have not within the
/// timeout.
///
/// ```swift
/// router.add(middleware: ReadYourWritesMiddleware(readSide: readSide, timeout: .seconds(2)))
/// ```
public struct ReadYourWritesMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The read side whose projections are waited for.
    public let readSide: ReadSide
    /// How long a request waits at most.
    public let timeout: Duration

    /// Creates the middleware.
    public init(readSide: ReadSide, timeout: Duration = .seconds(2)) {
        self.readSide = readSide
        self.timeout = timeout
    }

    /// Waits when the request asks to, then runs the rest of the chain.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let position = try request.minimumPosition(), try await !readSide.waitUntilApplied(through: position, timeout: timeout) {
            var headers = HTTPFields()
            headers[.retryAfter] = "1"
            throw ChronicleHTTPError(
                status: .serviceUnavailable,
                body: ChronicleHTTPError.error(
                    code: "read_side_behind", message: "The read tables have not reached position \(position) yet; retry shortly."),
                headers: headers)
        }
        return try await next(request, context)
    }
}
