public import Chronicle
import Foundation

/// What a reactor's handler knows and can do: the event, an idempotency key, and commands.
public struct ReactionContext: Sendable {
    /// The event reacted to.
    public let event: RecordedEvent

    /// A key that names this effect: the event's id. Hand it to outside systems that discard
    /// repeated requests.
    public var idempotencyKey: String { event.id.uuidString.lowercased() }

    let aggregates: Aggregates

    /// Executes a command caused by the event: its events' causation id is the event's id, and
    /// they share its correlation id.
    ///
    /// ```swift
    /// try await reaction.execute(ReserveRoom(meetingID: meetingID), on: roomID)
    /// ```
    @discardableResult
    public func execute<C: Command>(_ command: C, on id: EntityID<C.Target>, actor: String? = nil) async throws -> CommandResult<C.Target> {
        let metadata = EventMetadata(
            actor: actor ?? event.metadata.actor,
            correlationID: event.metadata.correlationID ?? event.id.uuidString.lowercased(),
            causationID: event.id.uuidString.lowercased(),
            requestID: event.metadata.requestID)
        return try await aggregates.execute(command, on: id, metadata: metadata)
    }
}
