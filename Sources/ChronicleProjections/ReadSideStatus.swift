public import Foundation

/// Where each projection and reactor of a read side stands.
///
/// It is the one status of a read side: ``ReadSide/status()`` returns it, the `status --json`
/// command prints it, and ``Readiness`` carries it. Its JSON form has snake_case keys and, when
/// encoded, the ``problems`` too:
///
/// ```json
/// {"head": 42, "problems": [], "projections": [{"name": "meetings", "mode": "inline", "state": "live", …}], "reactors": […]}
/// ```
public struct ReadSideStatus: Sendable, Codable, Equatable {
    /// The log's head position.
    public var head: Int64
    /// The projections, by name.
    public var projections: [ProjectionStatus]
    /// The reactors, by name.
    public var reactors: [ReactorStatus]

    /// Creates a status.
    public init(head: Int64, projections: [ProjectionStatus], reactors: [ReactorStatus]) {
        self.head = head
        self.projections = projections
        self.reactors = reactors
    }

    private enum CodingKeys: String, CodingKey {
        case head, projections, reactors, problems
    }

    /// Reads a status from its JSON form (the problems are derived, not read).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        head = try container.decode(Int64.self, forKey: .head)
        projections = try container.decode([ProjectionStatus].self, forKey: .projections)
        reactors = try container.decode([ReactorStatus].self, forKey: .reactors)
    }

    /// Writes the status and its ``problems``.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(head, forKey: .head)
        try container.encode(projections, forKey: .projections)
        try container.encode(reactors, forKey: .reactors)
        try container.encode(problems, forKey: .problems)
    }
}

/// Where one projection stands.
public struct ProjectionStatus: Sendable, Codable, Equatable {
    /// What the projection can do now.
    public enum State: String, Sendable, Codable {
        /// Its tables do not exist yet: run `migrate()`.
        case notMigrated = "not migrated"
        /// Its tables are of another version or mode than the code: rebuild it.
        case needsRebuild = "needs rebuild"
        /// Its last attempt failed; it is retrying (stopped at the event, by its policy).
        case failing
        /// It follows the log, but went past events it could not handle that wait for an
        /// operator (``ParkedEvent/State/parked``).
        case degraded
        /// It is current (inline) or following the log (async).
        case live
    }

    /// The projection's name.
    public var name: String
    /// How it runs.
    public var mode: ProjectionMode
    /// The code's version.
    public var version: Int
    /// The version its tables were built with, if built.
    public var builtVersion: Int?
    /// The last position applied (async projections), if built.
    public var checkpoint: Int64?
    /// Positions between the checkpoint and the head (async projections).
    public var lag: Int64?
    /// The last failure's message, while failing.
    public var lastError: String?
    /// The position of the event the last failure happened at.
    public var errorPosition: Int64?
    /// When the last failure happened.
    public var failedAt: Date?
    /// An online rebuild under way: its position, if any.
    public var rebuildPosition: Int64?
    /// What it does when a handler keeps failing at an event.
    public var errorPolicy: ErrorPolicy
    /// Events its live tables miss that wait for an operator.
    public var parkedEvents: Int
    /// Events its live tables miss, skipped by its policy or an operator.
    public var skippedEvents: Int
    /// What the projection can do now.
    public var state: State
    /// Which node runs it (async projections), a lease per partition; empty until a node ran it.
    public var leases: [Lease] = []

    private enum CodingKeys: String, CodingKey {
        case name, mode, version, checkpoint, lag, state, leases
        case builtVersion = "built_version", lastError = "last_error", errorPosition = "error_position"
        case failedAt = "failed_at", rebuildPosition = "rebuild_position", errorPolicy = "error_policy"
        case parkedEvents = "parked_events", skippedEvents = "skipped_events"
    }
}

/// Where one reactor stands.
public struct ReactorStatus: Sendable, Codable, Equatable {
    /// What the reactor can do now.
    public enum State: String, Sendable, Codable {
        /// It has not been registered yet: run `migrate()`.
        case notMigrated = "not migrated"
        /// Its last attempt failed; it is retrying (stopped at the event, by its policy).
        case failing
        /// It follows the log, but went past events whose effects wait for an operator.
        case degraded
        /// It follows the log.
        case live
    }

    /// The reactor's name.
    public var name: String
    /// The last position reacted to, if registered.
    public var checkpoint: Int64?
    /// The head when it was registered: it never sees earlier events.
    public var registeredPosition: Int64?
    /// Positions between the checkpoint and the head.
    public var lag: Int64?
    /// The last failure's message, while failing.
    public var lastError: String?
    /// The position of the event the last failure happened at.
    public var errorPosition: Int64?
    /// When the last failure happened.
    public var failedAt: Date?
    /// What it does when a handler keeps failing at an event.
    public var errorPolicy: ErrorPolicy
    /// Events whose effects wait for an operator.
    public var parkedEvents: Int
    /// Events whose effects were skipped, by its policy or an operator.
    public var skippedEvents: Int
    /// What the reactor can do now.
    public var state: State
    /// Which node runs it, a lease per partition; empty until a node ran it.
    public var leases: [Lease] = []

    private enum CodingKeys: String, CodingKey {
        case name, checkpoint, lag, state, leases
        case registeredPosition = "registered_position", lastError = "last_error", errorPosition = "error_position"
        case failedAt = "failed_at", errorPolicy = "error_policy", parkedEvents = "parked_events", skippedEvents = "skipped_events"
    }
}

extension ReadSideStatus {
    /// What needs attention, one sentence each: projections not migrated, needing a rebuild,
    /// failing or with parked events; reactors not registered, failing or with parked events.
    /// Empty when every projection and reactor is live (an async one may still be behind).
    public var problems: [String] {
        var problems: [String] = []
        for projection in projections {
            switch projection.state {
            case .live: break
            case .notMigrated: problems.append("Projection \(projection.name) has no tables yet: migrate.")
            case .needsRebuild where projection.builtVersion == projection.version:
                problems.append("Projection \(projection.name) needs a rebuild: its tables were built in another mode or number of partitions.")
            case .needsRebuild: problems.append("Projection \(projection.name) needs a rebuild to version \(projection.version).")
            case .failing:
                problems.append("Projection \(projection.name) is failing\(projection.errorPosition.map { " at event \($0)" } ?? ""): \(projection.lastError ?? "").")
            case .degraded: problems.append("Projection \(projection.name) has \(projection.parkedEvents) parked event(s): retry or skip them.")
            }
        }
        for reactor in reactors {
            switch reactor.state {
            case .live: break
            case .notMigrated: problems.append("Reactor \(reactor.name) is not registered yet: migrate.")
            case .failing:
                problems.append("Reactor \(reactor.name) is failing\(reactor.errorPosition.map { " at event \($0)" } ?? ""): \(reactor.lastError ?? "").")
            case .degraded: problems.append("Reactor \(reactor.name) has \(reactor.parkedEvents) parked event(s): retry or skip them.")
            }
        }
        return problems
    }
}
