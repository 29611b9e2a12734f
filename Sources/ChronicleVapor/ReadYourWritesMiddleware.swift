public import ChronicleHTTP
public import ChronicleProjections
import HTTPTypes
public import Vapor

/// Makes reads wait for a request's own writes: a request carrying `Chronicle-Min-Position`
/// (the `Chronicle-Position` a write returned) is served once the async projections have
/// applied the log that far, or answered 503 `read_side_behind` with `Retry-After` when they
/// have not within the timeout (see `ReadYourWrites`).
///
/// ```swift
/// let reads = app.grouped(ReadYourWritesMiddleware(readSide: chronicle.readSide, timeout: .seconds(2)))
/// reads.get("accounts", ":id", "statement") { req in … }
/// ```
public struct ReadYourWritesMiddleware: AsyncMiddleware {
    /// The rule: what is waited for, and how long.
    public let rule: ReadYourWrites

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
    public func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        try await rule.wait(minimumPosition: request.headers.first(name: HTTPField.Name.chronicleMinPosition.rawName))
        return try await next.respond(to: request)
    }
}
