public import Foundation

/// What a command knows besides the entity's state while it decides.
public struct CommandContext: Sendable {
    /// This execution's id: the causation id of every event it appends.
    public var commandID: UUID

    /// The entity the command acts on.
    public var stream: StreamName

    /// The time of the execution, from the pipeline's clock. Decide with it, not with `Date()`,
    /// so that tests can fix it.
    public var now: Date

    /// The request's metadata (actor, request and correlation ids), given to every event.
    public var metadata: EventMetadata

    /// Creates a context.
    public init(commandID: UUID, stream: StreamName, now: Date, metadata: EventMetadata) {
        self.commandID = commandID
        self.stream = stream
        self.now = now
        self.metadata = metadata
    }
}
