import CoreMetrics
import Foundation
import Logging

extension Aggregates {
    /// Executes a command on an entity: validate, load, decide, append.
    ///
    /// 1. The command's ``Command/schema`` checks its fields; any failure throws
    ///    ``CommandValidationError`` with all of them, and nothing is read or written.
    /// 2. The entity is loaded (see ``load(_:id:asOf:)``); a missing entity is
    ///    ``EventStoreError/Code/entityNotFound`` unless the command ``Command/createsEntity``.
    /// 3. ``Command/decide(_:context:)`` returns the events, or throws a state rule's error.
    /// 4. The events are appended in one transaction, expecting the loaded version. If another
    ///    writer appended first, the command is decided again on the new state, up to
    ///    ``Configuration/maximumAttempts`` times; then the conflict is thrown.
    ///
    /// Every event gets the metadata. Its causation id is this execution's command id, unless the
    /// metadata names a cause (reactors name the event they react to); its correlation id is kept,
    /// or started as the causation id.
    ///
    /// ```swift
    /// let result = try await aggregates.execute(AcceptInvitation(userID: 7), on: meetingID,
    ///                                           metadata: EventMetadata(actor: "user-7", requestID: requestID))
    /// ```
    ///
    /// - Parameters:
    ///   - command: The command.
    ///   - id: The entity it acts on.
    ///   - expected: The version the caller last saw (an HTTP `If-Match`): with `.exactly(n)` or
    ///     `.noEvents`, a command on an entity at another version fails with
    ///     ``EventStoreError/Code/wrongExpectedVersion`` at once, without deciding again. `.any`,
    ///     the default, decides again on the newer state after a conflict.
    ///   - metadata: The request's metadata.
    /// - Returns: The appended events, the new state and version, and how many attempts it took.
    /// - Throws: ``CommandValidationError``, ``EventStoreError`` (``EventStoreError/Code/entityNotFound``,
    ///   ``EventStoreError/Code/wrongExpectedVersion`` after the last attempt, a store failure), or the
    ///   error `decide` throws.
    @discardableResult
    public func execute<C: Command>(
        _ command: C, on id: EntityID<C.Target>, expected: ExpectedVersion = .any, metadata: EventMetadata = EventMetadata()
    ) async throws -> CommandResult<C.Target> {
        let stream = StreamName(id)
        let commandID = configuration.makeID()
        let now = configuration.now()
        let failures = C.schema.validate(command, now: now)
        guard failures.isEmpty else {
            throw CommandValidationError(command: String(describing: C.self), failures: failures)
        }

        var eventMetadata = metadata
        eventMetadata.causationID = metadata.causationID ?? commandID.uuidString.lowercased()
        eventMetadata.correlationID = metadata.correlationID ?? eventMetadata.causationID
        let context = CommandContext(commandID: commandID, stream: stream, now: now, metadata: eventMetadata)

        var attempt = 1
        while true {
            let folded = try await fold(C.Target.self, id: id, asOf: nil)
            let loaded = folded.state
            if !expected.isSatisfied(byCurrentVersion: loaded.version) {
                throw EventStoreError.wrongExpectedVersion(stream: stream, expected: expected, actual: loaded.version)
            }
            guard loaded.exists || C.createsEntity else { throw EventStoreError.entityNotFound(stream) }
            let decided = try command.decide(loaded.state, context: context)
            if decided.isEmpty {
                return CommandResult(events: [], state: loaded.state, version: loaded.version, attempts: attempt)
            }
            var changed = loaded
            for event in decided {
                try C.Target.handlers.apply(event, to: &changed.state)
            }
            let newEvents = try decided.map {
                try NewEvent($0, id: configuration.makeID(), metadata: eventMetadata, coder: configuration.coder)
            }
            do {
                let appended = try await store.append(newEvents, to: stream, expected: .exactly(loaded.version))
                changed.version = appended.version
                await saveSnapshotIfDue(changed, since: folded.snapshotVersion)
                return CommandResult(events: appended.events, state: changed.state, version: appended.version, attempts: attempt)
            } catch let error as EventStoreError
                where error.code == .wrongExpectedVersion && expected == .any && attempt < configuration.maximumAttempts
            {
                Counter(label: "chronicle_command_conflicts", dimensions: [("command", "\(C.self)")], factory: configuration.metrics)
                    .increment()
                configuration.logger.debug(
                    "Conflict: deciding the command again on the newer state",
                    metadata: ["command": "\(C.self)", "stream": "\(stream)", "attempt": "\(attempt)", "actual_version": "\(error.actualVersion ?? -1)"])
                attempt += 1
            }
        }
    }
}
