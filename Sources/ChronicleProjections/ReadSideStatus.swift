public import Foundation

/// Where each projection and reactor of a read side stands.
public struct ReadSideStatus: Sendable {
    /// The log's head position.
    public var head: Int64
    /// The projections, by name.
    public var projections: [ProjectionStatus]
    /// The reactors, by name.
    public var reactors: [ReactorStatus]
}

/// Where one projection stands.
public struct ProjectionStatus: Sendable {
    /// What the projection can do now.
    public enum State: String, Sendable {
        /// Its tables do not exist yet: run `migrate()`.
        case notMigrated = "not migrated"
        /// Its tables are of another version or mode than the code: rebuild it.
        case needsRebuild = "needs rebuild"
        /// Its last attempt failed; it is retrying.
        case failing
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
    /// What the projection can do now.
    public var state: State
}

/// Where one reactor stands.
public struct ReactorStatus: Sendable {
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
}
