import CoreMetrics
import Foundation
import Logging
import Tracing

extension Aggregates {
    /// Executes a command on an entity: validate, load, decide, append.
    ///
    /// 1. The command's ``Command/schema`` checks its fields; any failure throws
    ///    ``CommandValidationError`` with all of them, and nothing is read or written.
    /// 2. The command waits for the commands before it on the same entity (in this process) to
    ///    finish: they run one at a time, in arrival order.
    /// 3. The entity is loaded (see ``load(_:id:asOf:)``); a missing entity is
    ///    ``EventStoreError/Code/entityNotFound`` unless the command ``Command/createsEntity``.
    /// 4. ``Command/decide(_:context:)`` returns the events, or throws a state rule's error.
    /// 5. The events are appended in one transaction, expecting the loaded version. If another
    ///    process appended first, the command is decided again on the new state after a short
    ///    random delay that doubles with each conflict, until ``Configuration/retryBudget`` is
    ///    spent; then it fails with ``EventStoreError/Code/busy``.
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
    ///   ``EventStoreError/Code/wrongExpectedVersion`` for an expectation the entity does not meet,
    ///   ``EventStoreError/Code/busy`` when the retry budget is spent, a store failure), or the
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

        let withinTrace = metadata.traceContext == nil && Telemetry.currentTraceContext() != nil
        let started = ContinuousClock.now
        var outcome = "error"
        defer {
            Timer(label: Telemetry.commandDuration, dimensions: [("command", "\(C.self)"), ("outcome", outcome)], factory: configuration.metrics)
                .recordInterval(since: started)
        }
        let result = try await withSpan("chronicle.command", ofKind: .internal) { span in
            span.attributes["chronicle.command"] = "\(C.self)"
            span.attributes["chronicle.entity"] = stream.description
            var eventMetadata = metadata
            eventMetadata.causationID = metadata.causationID ?? commandID.uuidString.lowercased()
            eventMetadata.correlationID = metadata.correlationID ?? eventMetadata.causationID
            let context = CommandContext(commandID: commandID, stream: stream, now: now, metadata: eventMetadata)
            let result = try await queue.run(on: stream.description) {
                try await decideAndAppend(command, on: id, expected: expected, context: context, carryingTrace: withinTrace)
            }
            span.attributes["chronicle.attempts"] = result.attempts
            span.attributes["chronicle.conflicts"] = result.attempts - 1
            span.attributes["chronicle.events"] = result.events.count
            return result
        }
        outcome = "ok"
        return result
    }

    /// Load, decide and append, deciding again after conflicts within the retry budget.
    private func decideAndAppend<C: Command>(
        _ command: C, on id: EntityID<C.Target>, expected: ExpectedVersion, context: CommandContext, carryingTrace: Bool
    ) async throws -> CommandResult<C.Target> {
        let stream = context.stream
        let started = ContinuousClock.now
        // Made before the first conflict, so that it reads 0 rather than nothing until then.
        let conflicts = Counter(label: Telemetry.commandConflicts, dimensions: [("command", "\(C.self)")], factory: configuration.metrics)
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
                try await C.Target.handlers.apply(event, to: &changed.state)
            }
            do {
                let appended = try await append(
                    decided, metadata: context.metadata, carryingTrace: carryingTrace, to: stream, expected: .exactly(loaded.version))
                changed.version = appended.version
                await saveSnapshotIfDue(changed, since: folded.snapshotVersion)
                return CommandResult(events: appended.events, state: changed.state, version: appended.version, attempts: attempt)
            } catch let error as EventStoreError where error.code == .wrongExpectedVersion && expected == .any {
                conflicts.increment()
                let delay = Self.backoff(afterConflicts: attempt)
                let spent = ContinuousClock.now - started
                guard spent + delay <= configuration.retryBudget else {
                    throw EventStoreError(
                        code: .busy,
                        message: "\(stream) kept changing: other writers appended before each of \(attempt) attempts to decide \(C.self) within \(configuration.retryBudget). Nothing was appended; retry later.",
                        stream: stream, expectedVersion: expected, actualVersion: error.actualVersion, underlying: error)
                }
                configuration.logger.debug(
                    "Conflict: deciding the command again on the newer state",
                    metadata: [
                        "command": "\(C.self)", "stream": "\(stream)", "attempt": "\(attempt)",
                        "actual_version": "\(error.actualVersion ?? -1)", "retry_in": "\(delay)",
                    ])
                try await Task.sleep(for: delay)
                attempt += 1
            }
        }
    }

    /// Appends a command's events, in a span, timed and counted. Events of a command that runs
    /// within a trace carry it (the append's span), so that what reacts to them later, in this
    /// process or another, continues it.
    private func append(
        _ decided: [any Event], metadata: EventMetadata, carryingTrace: Bool, to stream: StreamName, expected: ExpectedVersion
    ) async throws -> AppendResult {
        let started = ContinuousClock.now
        let appended = try await withSpan("chronicle.append", ofKind: .client) { span in
            span.attributes["chronicle.entity"] = stream.description
            span.attributes["chronicle.events"] = decided.count
            var metadata = metadata
            if carryingTrace { metadata.traceContext = Telemetry.currentTraceContext() }
            let events = try decided.map { try NewEvent($0, id: configuration.makeID(), metadata: metadata, coder: configuration.coder) }
            return try await store.append(events, to: stream, expected: expected)
        }
        let dimensions = [("entity_type", stream.entityType)]
        Timer(label: Telemetry.appendDuration, dimensions: dimensions, factory: configuration.metrics).recordInterval(since: started)
        Recorder(label: Telemetry.appendEvents, dimensions: dimensions, aggregate: true, factory: configuration.metrics).record(decided.count)
        return appended
    }

    /// A random delay of up to 5 ms, doubling with each conflict up to 200 ms ("full jitter"):
    /// writers that collided spread out instead of colliding again.
    static func backoff(afterConflicts conflicts: Int) -> Duration {
        let ceiling = min(200.0, 5.0 * Double(1 << min(conflicts - 1, 10)))
        return .microseconds(Int64(Double.random(in: 0...ceiling) * 1_000))
    }
}
