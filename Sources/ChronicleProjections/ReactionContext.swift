public import Chronicle
import Foundation
public import SQLKit

/// What a reactor's handler knows and can do: the event, an idempotency key, the state of
/// aggregates, commands, and writes that commit with the reaction.
public struct ReactionContext: Sendable {
    /// The event reacted to.
    public let event: RecordedEvent

    /// A key that names this effect: the event's id. Hand it to outside systems that discard
    /// repeated requests.
    public var idempotencyKey: String { event.id.uuidString.lowercased() }

    let aggregates: Aggregates
    let writes: ReactionWrites

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

    /// The state of the event's entity as of the event: folded through the event's version,
    /// whatever was appended since.
    ///
    /// ```swift
    /// let account = try await reaction.stateAtEvent(of: Account.self)
    /// if account.state.balance < 0 { … }
    /// ```
    public func stateAtEvent<A: Aggregate>(of type: A.Type) async throws -> Versioned<A> {
        try await aggregates.load(type, id: EntityID(event.stream.entityID), asOf: .version(event.version))
    }

    /// The current state of an entity.
    public func state<A: Aggregate>(of type: A.Type, id: EntityID<A>) async throws -> Versioned<A> {
        try await aggregates.load(type, id: id)
    }

    /// Writes rows in the reaction's own transaction: the work runs once the handler has
    /// returned, in the transaction that records the reaction's receipt, so the rows are written
    /// exactly once, or not at all when the reaction fails.
    ///
    /// ```swift
    /// reaction.write { sql in
    ///     try await sql.insert(into: "alerts").columns("account", "amount").values(SQLBind(account), SQLBind(amount)).run()
    /// }
    /// ```
    public func write(_ work: @escaping @Sendable (any SQLDatabase) async throws -> Void) {
        writes.append(work)
    }
}

/// The writes a handler asked for, run in the reaction's transaction.
final class ReactionWrites: @unchecked Sendable {
    private let lock = NSLock()
    private var works: [@Sendable (any SQLDatabase) async throws -> Void] = []

    func append(_ work: @escaping @Sendable (any SQLDatabase) async throws -> Void) {
        lock.withLock { works.append(work) }
    }

    /// Runs every write in order.
    func run(on sql: any SQLDatabase) async throws {
        for work in lock.withLock({ works }) { try await work(sql) }
    }
}
