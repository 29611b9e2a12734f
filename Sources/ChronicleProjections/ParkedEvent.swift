public import Chronicle
import ChronicleSQL
public import Foundation

/// An event a projection or reactor went past by its ``ErrorPolicy``: parked for an operator,
/// or skipped. Kept in `chronicle_parked_events`.
///
/// ```swift
/// for parked in try await readSide.parkedEvents("activity") where parked.state == .parked {
///     print(parked.position, parked.eventType, parked.error)
/// }
/// ```
public struct ParkedEvent: Hashable, Sendable {
    /// Where a parked event stands.
    public enum State: String, Hashable, Sendable {
        /// Waiting for an operator to retry or skip it; its consumer is degraded meanwhile.
        case parked
        /// Skipped: by the consumer's policy, or by an operator.
        case skipped
        /// Handled later by an operator's retry.
        case retried
    }

    /// The projection or reactor that went past it.
    public var consumer: String
    /// The projection's table generation it is missing from (0 for a reactor).
    public var generation: Int
    /// The event's position.
    public var position: Int64
    /// The event's id.
    public var eventID: String
    /// The event's type.
    public var eventType: String
    /// The event's entity.
    public var stream: StreamName
    /// The last failure's message, with the database's code and message when the database
    /// refused.
    public var error: String
    /// How many attempts failed.
    public var attempts: Int
    /// When it was parked or skipped.
    public var parkedAt: Date
    /// Where it stands.
    public var state: State
    /// When it was skipped or retried.
    public var resolvedAt: Date?
    /// Who skipped or retried it: an operator, or `policy`.
    public var resolvedBy: String?
}
