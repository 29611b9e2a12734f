/// What the read side does when a projection's or reactor's handler keeps failing at one event.
///
/// Only failures of the handler count: an event it cannot decode, a statement the database
/// refuses, an error it throws. A database that is unavailable (unreachable, out of space,
/// read-only) is never the event's fault: the consumer waits and retries, whatever its policy.
///
/// ```swift
/// struct ActivityProjection: Projection {
///     static let errorPolicy = ErrorPolicy.park(afterAttempts: 3)
///     …
/// }
/// ```
///
/// A parked or skipped event is recorded in `chronicle_parked_events` (the consumer, the event,
/// the error, when); the consumer goes on with the next one, and ``ReadSide/status()`` reports
/// it as degraded until an operator retries or skips the parked event
/// (``ReadSide/retryParked(_:position:actor:)``, ``ReadSide/skip(_:position:actor:)``, or the
/// `projections retry` and `projections skip` commands). Rebuilds follow the same policy.
public enum ErrorPolicy: Hashable, Sendable, CustomStringConvertible, Codable {
    /// Stop at the event and retry it, with a growing delay, until it succeeds or an operator
    /// skips it. Nothing after it is applied meanwhile. The default: an event is never passed
    /// over unless someone decides so.
    case stop
    /// Try the event this many times in all (with a growing delay between tries), then park it
    /// and go on. A parked event waits for an operator, and the consumer is degraded until then.
    case park(afterAttempts: Int)
    /// Record a failing event as skipped at its first failure and go on.
    case skip

    /// What follows the given number of failed attempts at one event.
    func action(afterFailedAttempts attempts: Int) -> Action {
        switch self {
        case .stop: .retryLater
        case .park(let limit): attempts >= max(1, limit) ? .park : .retryLater
        case .skip: .skip
        }
    }

    /// What to do with an event after a failed attempt.
    enum Action: Equatable {
        /// Stop at it and try again later.
        case retryLater
        /// Record it as parked and go on.
        case park
        /// Record it as skipped and go on.
        case skip
    }

    /// `stop`, `park after 3 attempts`, `skip`.
    public var description: String {
        switch self {
        case .stop: "stop"
        case .park(let attempts): "park after \(attempts) attempt\(attempts == 1 ? "" : "s")"
        case .skip: "skip"
        }
    }

    /// Reads a policy from its ``description``: `stop`, `park after 3 attempts`, `skip`.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        let words = text.split(separator: " ")
        switch text {
        case "stop": self = .stop
        case "skip": self = .skip
        default:
            guard words.count == 4, words[0] == "park", words[1] == "after", let attempts = Int(words[2]), words[3].hasPrefix("attempt") else {
                throw DecodingError.dataCorrupted(
                    DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "\"\(text)\" is not an error policy."))
            }
            self = .park(afterAttempts: attempts)
        }
    }

    /// Writes the policy as its ``description``.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
