public import ChronicleProjections
import HTTPTypes

/// Makes a read wait for a request's own writes, whatever the web framework: a request carrying
/// `Chronicle-Min-Position` (the `Chronicle-Position` a write returned) is served once the async
/// projections have applied the log that far, or answered 503 `read_side_behind` with
/// `Retry-After` when they have not within the timeout.
///
/// With a `ReadReplica`, whose database the routes read from, it waits until the standby holds
/// the write and its projections there have applied it. A standby that is down answers 503
/// `unavailable`: never rows without the write.
public struct ReadYourWrites: Sendable {
    /// The read side whose projections are waited for.
    public let readSide: ReadSide
    /// The standby the routes read from, if any: waits are on it rather than on the primary.
    public let replica: ReadReplica?
    /// How long a request waits at most.
    public let timeout: Duration

    /// Creates the rule.
    ///
    /// - Parameters:
    ///   - readSide: The read side on the primary.
    ///   - replica: The standby the routes read from; `nil` when they read from the primary.
    ///   - timeout: How long a request waits at most.
    public init(readSide: ReadSide, replica: ReadReplica? = nil, timeout: Duration = .seconds(2)) {
        self.readSide = readSide
        self.replica = replica
        self.timeout = timeout
    }

    /// Waits until the read tables hold the position a `Chronicle-Min-Position` header names;
    /// returns at once without the header.
    ///
    /// - Parameter header: The header's value, if the request has it.
    /// - Throws: ``ChronicleHTTPError`` 400 for a header that is not a position; 503
    ///   `read_side_behind` when the read tables have not reached it in time.
    public func wait(minimumPosition header: String?) async throws {
        guard let position = try ChronicleHeaders.minimumPosition(header) else { return }
        let applied =
            if let replica {
                try await replica.waitUntilApplied(through: position, timeout: timeout)
            } else {
                try await readSide.waitUntilApplied(through: position, timeout: timeout)
            }
        guard applied else {
            throw ChronicleHTTPError(
                status: .serviceUnavailable,
                body: ChronicleHTTPError.error(
                    code: "read_side_behind",
                    message: "The \(replica == nil ? "read tables have" : "read replica has") not reached position \(position) yet; retry shortly."),
                headers: [.retryAfter: ChronicleHTTPError.retryAfterSeconds])
        }
    }
}
