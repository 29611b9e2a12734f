public import Foundation

/// An aggregate's state saved at a version, so that loading can skip the events before it.
///
/// Snapshots are a cache: they are written after loads and commands, read before folding, and
/// deleting them changes no result. The ``schema`` tag says which shape of the state the JSON
/// has; a snapshot whose tag is not the aggregate's current one is ignored.
public struct Snapshot: Hashable, Sendable {
    /// The entity.
    public var stream: StreamName
    /// The version the state includes.
    public var version: Int
    /// The tag of the state's shape: ``SnapshottingAggregate/snapshotSchema`` when saved.
    public var schema: String
    /// The state as JSON.
    public var state: Data

    /// Creates a snapshot.
    public init(stream: StreamName, version: Int, schema: String, state: Data) {
        self.stream = stream
        self.version = version
        self.schema = schema
        self.state = state
    }
}
