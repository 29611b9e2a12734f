public import ChronicleProjections
import HTTPTypes
public import Hummingbird

/// Makes reads wait for a request's own writes: a request carrying `Chronicle-Min-Position`
/// (the `Chronicle-Position` a write returned) is served once the async projections have
/// applied the log that far, or answered 503 with `Retry-After` when they have not within the
/// timeout.
///
/// With a `ReadReplica`, whose database the routes read from, it waits until the standby holds
/// the write and its projections there have applied it (code `read_side_behind` when they have
/// not in time). A standby that is down answers 503 `unavailable`: never rows without the write.
///
/// ```swift
/// router.add(middleware: ReadYourWritesMiddleware(readSide: readSide, timeout: .seconds(2)))
/// ```
public struct ReadYourWritesMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The read side whose projections are waited for.
    public let readSide: ReadSide
    /// The standby the routes read from, if any: waits are on it rather than on the primary.
    public let replica: ReadReplica?
    /// How long a request waits at most.
    public let timeout: Duration

    /// Creates the middleware.
    ///
    /// - Parameters:
    ///   - readSide: The read side on the primary.
    ///   - replica: The standby the routes behind the middleware read from; `nil` when they read
    ///     from the primary.
    ///   - timeout: How long a request waits at most.
    public init(readSide: ReadSide, replica: ReadReplica? = nil, timeout: Duration = .seconds(2)) {
        self.readSide = readSide
        self.replica = replica
        self.timeout = timeout
    }

    /// Waits when the request asks to, then runs the rest of the chain.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let position = try request.minimumPosition(), try await !applied(through: position) {
            var headers = HTTPFields()
            headers[.retryAfter] = "1"
            throw ChronicleHTTPError(
                status: .serviceUnavailable,
                body: ChronicleHTTPError.error(
                    code: "read_side_behind",
                    message: "The \(replica == nil ? "read tables have" : "read replica has") not reached position \(position) yet; retry shortly."),
                headers: headers)
        }
        return try await next(request, context)
    }

    private func applied(through position: Int64) async throws -> Bool {
        if let replica {
            return try await replica.waitUntilApplied(through: position, timeout: timeout)
        }
        return try await readSide.waitUntilApplied(through: position, timeout: timeout)
    }
}
