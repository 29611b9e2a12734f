public import ChronicleHTTP
public import ChronicleProjections
public import Hummingbird

/// Makes reads wait for a request's own writes: a request carrying `Chronicle-Min-Position`
/// (the `Chronicle-Position` a write returned) is served once the async projections have
/// applied the log that far, or answered 503 with `Retry-After` when they have not within the
/// timeout (see `ReadYourWrites`).
///
/// With a `ReadReplica`, whose database the routes read from, it waits until the standby holds
/// the write and its projections there have applied it (code `read_side_behind` when they have
/// not in time). A standby that is down answers 503 `unavailable`: never rows without the write.
///
/// ```swift
/// router.add(middleware: ReadYourWritesMiddleware(readSide: readSide, timeout: .seconds(2)))
/// ```
public struct ReadYourWritesMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The rule: what is waited for, and how long.
    public let rule: ReadYourWrites
    /// The read side whose projections are waited for.
    public var readSide: ReadSide { rule.readSide }
    /// The standby the routes read from, if any: waits are on it rather than on the primary.
    public var replica: ReadReplica? { rule.replica }
    /// How long a request waits at most.
    public var timeout: Duration { rule.timeout }

    /// Creates the middleware.
    ///
    /// - Parameters:
    ///   - readSide: The read side on the primary.
    ///   - replica: The standby the routes behind the middleware read from; `nil` when they read
    ///     from the primary.
    ///   - timeout: How long a request waits at most.
    public init(readSide: ReadSide, replica: ReadReplica? = nil, timeout: Duration = .seconds(2)) {
        rule = ReadYourWrites(readSide: readSide, replica: replica, timeout: timeout)
    }

    /// Waits when the request asks to, then runs the rest of the chain.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await rule.wait(minimumPosition: request.headers[.chronicleMinPosition])
        return try await next(request, context)
    }
}
