import Chronicle
import ChronicleSQL
import CoreMetrics
import Foundation
import Logging
import SQLKit
import ServiceContextModule
import Tracing
import ServiceLifecycle

extension ReadSide {
    /// Follows the log with every async projection and every reactor until cancelled or shut
    /// down.
    ///
    /// Each runs only while this node holds its lease (``Lease``): on several nodes sharing a
    /// database, one node runs each projection and reactor and the others stand by, taking over
    /// within ``Configuration/leaseDuration`` plus ``Configuration/leaseRenewal`` when its
    /// holder dies or loses the database. On shutdown, this node releases its leases.
    ///
    /// Each projection and reactor runs on its own. One whose handler fails at an event keeps
    /// the events before it, logs and records the failure for ``status()``, and then does what
    /// its ``ErrorPolicy`` says: retries the event with a growing delay (never skipping it), or,
    /// after the attempts its policy allows, parks it and goes on. The others go on meanwhile. A
    /// database that is unavailable is retried the same way, and never parks an event. Runners
    /// read when the store signals an append, and at least every ``Configuration/pollInterval``.
    ///
    /// - Throws: `EventStoreError.Code.inUseByAnotherProcess` on a store that serves one process
    ///   at a time (SQLite) when another process runs a read side on it.
    public func run() async throws {
        for projection in projections { try projection.checkDefinition() }
        for reactor in reactors { try reactor.checkDefinition() }
        let node = configuration.node
        let held = HeldLeases()
        var found: [Runner] = projections.filter { $0.mode == .async && !$0.isPartitioned }.map { projection in
            Runner(name: projection.name, partition: 0) { failed in
                try await self.applyNextBatch(of: projection, failed: failed, lease: LeaseHold(consumer: projection.name, partition: 0, node: node, held: held))
            }
        }
        for projection in projections where projection.mode == .async && projection.isPartitioned {
            found += partitionRunners(of: projection.name, partitions: projection.partitions, held: held) { partition, cursor, failed, lease in
                try await self.applyNextBatch(of: projection, partition: partition, cursor: cursor, failed: failed, lease: lease)
            }
        }
        for reactor in reactors where !reactor.isPartitioned {
            found.append(Runner(name: reactor.name, partition: 0) { failed in
                try await self.reactToNextBatch(of: reactor, failed: failed, lease: LeaseHold(consumer: reactor.name, partition: 0, node: node, held: held))
            })
        }
        for reactor in reactors where reactor.isPartitioned {
            found += partitionRunners(of: reactor.name, partitions: reactor.partitions, held: held) { partition, cursor, failed, lease in
                try await self.reactToNextBatch(of: reactor, partition: partition, cursor: cursor, failed: failed, lease: lease)
            }
        }
        let runners = found
        guard !runners.isEmpty else { return }
        let release = try await database.claimRunners(by: node)
        defer { release?() }
        let notifications = database.appendNotifications()
        let partitioned = projections.filter { $0.mode == .async && $0.isPartitioned }.map { ($0.name, $0.partitions) }
            + reactors.filter(\.isPartitioned).map { ($0.name, $0.partitions) }
        let balance = Balance(node: node, partitions: Dictionary(partitioned) { first, _ in first })
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.beat(held, balance: balance) }
                group.addTask {
                    for await _ in notifications {
                        for runner in runners { await runner.wakeup.signal() }
                    }
                }
                for runner in runners {
                    group.addTask { await self.lead(runner, held: held, balance: balance) }
                }
            }
        }
    }

    /// A runner per partition of a partitioned consumer, each with its cursor, which restarts
    /// each time this node takes the partition's lease.
    private func partitionRunners(
        of name: String, partitions: Int, held: HeldLeases,
        step: @escaping @Sendable (_ partition: Int, PartitionCursor, FailedAttempts, LeaseHold) async throws -> Int
    ) -> [Runner] {
        (0..<partitions).map { partition in
            let cursor = PartitionCursor()
            let lease = LeaseHold(consumer: name, partition: partition, node: configuration.node, held: held)
            return Runner(name: name, partition: partition, of: partitions, tookLease: { await cursor.restart() }) { failed in
                try await step(partition, cursor, failed, lease)
            }
        }
    }

    /// Repeats a batch step until cancelled, or until `stop` says so between two steps: waiting
    /// when caught up, retrying with a growing delay when it fails, and counting the failures at
    /// each event for the error policy.
    func follow(
        name: String, wakeup: Wakeup, _ step: @Sendable (FailedAttempts) async throws -> Int, until stop: @Sendable () async -> Bool = { false }
    ) async {
        var failed = FailedAttempts()
        var failures = 0
        let failuresCounted = Counter(label: Telemetry.consumerFailures, dimensions: [("consumer", name)], factory: configuration.aggregates.metrics)
        // Whether a failure may be recorded: one of this runner's, one recorded by a step that
        // raced with a migration, or one an earlier process left.
        var mayHaveRecordedFailure = true
        while !Task.isCancelled {
            if await stop() { return }
            do {
                let read = try await step(failed)
                if mayHaveRecordedFailure && read == 0 {
                    // A step that applies events clears it as it advances, but a partition's
                    // step may go past events of other partitions without writing: once caught
                    // up, the runner clears it here.
                    await clearFailure(of: name)
                    mayHaveRecordedFailure = false
                }
                failures = 0
                if read == 0 {
                    await wakeup.wait(upTo: configuration.pollInterval)
                }
            } catch let lost as LeaseLost {
                configuration.logger.warning("Lost the lease to another node; standing by", metadata: ["name": "\(name)", "error": "\(lost)"])
                return
            } catch {
                if Task.isCancelled { return }
                failures += 1
                mayHaveRecordedFailure = true
                failuresCounted.increment()
                let position = (error as? ReadSideError)?.position
                if let position, !EventStoreError.isUnavailable(error) {
                    failed.record(at: position)
                }
                let delay = retryDelay(afterFailures: failures)
                configuration.logger.error(
                    "Read side step failed; retrying",
                    metadata: [
                        "name": "\(name)", "error": "\(error)", "retry_in": "\(delay)",
                        "position": "\(position.map(String.init) ?? "-")", "attempts": "\(position.map(failed.count(at:)) ?? 0)",
                    ])
                await record(failure: error, of: name)
                try? await Task.sleep(for: delay)
            }
        }
    }

    func retryDelay(afterFailures failures: Int) -> Duration {
        let delay = Duration.milliseconds(100) * (1 << min(failures - 1, 16))
        return min(delay, configuration.maximumRetryDelay)
    }

    /// Forgets the consumer's recorded failure, if there is one: it looks first, on the read
    /// connection, so that the runners starting together do not each queue for the writer.
    private func clearFailure(of name: String) async {
        let isReactor = reactors.contains { $0.name == name }
        do {
            let recorded = try await database.withReadConnection { sql in
                isReactor
                    ? try await Bookkeeping.reactor(name, on: sql)?.lastError
                    : try await Bookkeeping.projection(name, on: sql)?.lastError
            }
            guard recorded != nil else { return }
            try await database.withWriteTransaction(locking: nil) { sql in
                try await Bookkeeping.clearFailure(of: name, reactor: isReactor, at: configuration.now(), on: sql)
            }
        } catch {
            configuration.logger.warning("Could not clear a recorded failure", metadata: ["name": "\(name)", "error": "\(error)"])
        }
    }

    private func record(failure: any Error, of name: String) async {
        let position = (failure as? ReadSideError)?.position
        let message = "\(failure)"
        let isReactor = reactors.contains { $0.name == name }
        do {
            try await database.withWriteTransaction(locking: nil) { sql in
                if isReactor {
                    try await Bookkeeping.recordFailure(reactor: name, error: message, position: position, at: configuration.now(), on: sql)
                } else {
                    try await Bookkeeping.recordFailure(projection: name, error: message, position: position, at: configuration.now(), on: sql)
                }
            }
        } catch {
            configuration.logger.warning("Could not record a failure", metadata: ["name": "\(name)", "error": "\(error)"])
        }
    }

    /// Applies the next batch of the log to an async projection, with its checkpoint, in one
    /// transaction. Returns how many events it read (0 when caught up).
    ///
    /// - Throws: The failure the batch stopped at (after keeping the events before it), or the
    ///   database's error.
    func applyNextBatch(of projection: RegisteredProjection, failed: FailedAttempts = FailedAttempts(), lease: LeaseHold? = nil) async throws -> Int {
        let row = try await liveRow(of: projection)
        let events = try await database.readLog(after: row.position, limit: configuration.batchSize)
        guard let last = events.last else {
            recordLag(of: projection.name, events: 0, seconds: 0)
            return 0
        }
        let started = ContinuousClock.now
        try await withSpan("chronicle.projection.batch", ofKind: .consumer) { span in
            span.attributes["chronicle.projection"] = projection.name
            span.attributes["chronicle.events"] = events.count
            span.attributes["chronicle.position"] = Int(last.position)
            try await apply(events, to: projection, failed: failed, lease: lease)
        }
        Timer(label: Telemetry.projectionBatchDuration, dimensions: [("projection", projection.name)], factory: configuration.aggregates.metrics)
            .recordInterval(since: started)
        if events.count < configuration.batchSize {
            recordLag(of: projection.name, events: 0, seconds: 0)
        } else {
            let head = try await database.headPosition()
            recordLag(of: projection.name, events: head - last.position, seconds: configuration.now().timeIntervalSince(last.createdAt))
        }
        return events.count
    }

    /// Sets `chronicle_projection_lag_events` and `chronicle_projection_lag_seconds`.
    private func recordLag(of projection: String, events: Int64, seconds: Double) {
        let metrics = configuration.aggregates.metrics
        Gauge(label: Telemetry.projectionLagEvents, dimensions: [("projection", projection)], factory: metrics).record(events)
        Gauge(label: Telemetry.projectionLagSeconds, dimensions: [("projection", projection)], factory: metrics).record(max(0, seconds))
    }

    /// Applies a batch of the log to an async projection, with its checkpoint, in one transaction.
    private func apply(_ events: [RecordedEvent], to projection: RegisteredProjection, failed: FailedAttempts, lease: LeaseHold?) async throws {
        let dialect = database.dialect
        let stoppedAt = try await database.withWriteTransaction(locking: projection.name) { sql -> ReadSideError? in
            if let lease { try await Leases.check(lease, on: sql) }
            // Another instance may have applied some of the batch meanwhile: start after its checkpoint.
            let current = try await self.liveRow(of: projection, on: sql)
            let now = configuration.now()
            let outcome = try await projection.apply(
                events.filter { $0.position > current.position }, tolerating: sql, dialect: dialect,
                tables: projection.tableNames(shadowGeneration: nil), generation: current.generation,
                failedAttempts: failed.count(at:), now: now)
            if let through = outcome.through {
                try await Bookkeeping.advance(projection: projection.name, to: through, at: now, on: sql)
            }
            return outcome.stoppedAt
        }
        if let stoppedAt { throw stoppedAt }
    }

    /// The projection's bookkeeping, checked to be at the code's version and mode.
    func liveRow(of projection: RegisteredProjection, on sql: (any SQLDatabase)? = nil) async throws -> ProjectionRow {
        let row: ProjectionRow?
        if let sql {
            row = try await Bookkeeping.projection(projection.name, on: sql)
        } else {
            row = try await database.withReadConnection { sql in try await Bookkeeping.projection(projection.name, on: sql) }
        }
        guard let row else {
            throw ReadSideError(
                code: .notMigrated, message: "Projection \(projection.name) has no tables yet. Migrate it first.", name: projection.name)
        }
        guard row.version == projection.version, row.mode == projection.mode.rawValue else {
            throw ReadSideError(
                code: .needsRebuild,
                message: "Projection \(projection.name)'s tables are version \(row.version) (\(row.mode)); the code is version \(projection.version) (\(projection.mode.rawValue)). Rebuild it.",
                name: projection.name)
        }
        guard row.partitions == projection.partitions else {
            throw ReadSideError(
                code: .needsRebuild,
                message: "Projection \(projection.name)'s tables were built in \(row.partitions) partition(s); the code declares \(projection.partitions). Rebuild it.",
                name: projection.name)
        }
        return row
    }

    /// Runs a reactor on the next batch of the log. Each effect is followed by its receipt and
    /// the checkpoint, in one transaction; an effect with a receipt is not run again. An effect
    /// that fails is retried, or parked by the reactor's policy. Returns how many events it read.
    func reactToNextBatch(of reactor: RegisteredReactor, failed: FailedAttempts = FailedAttempts(), lease: LeaseHold? = nil) async throws -> Int {
        let row = try await database.withReadConnection { sql in try await Bookkeeping.reactor(reactor.name, on: sql) }
        guard let row else {
            throw ReadSideError(code: .notMigrated, message: "Reactor \(reactor.name) is not registered yet. Migrate it first.", name: reactor.name)
        }
        let events = try await database.readLog(after: row.position, limit: configuration.batchSize)
        guard let last = events.last else { return 0 }
        try await react(to: events.filter { reactor.handlers.handles($0.eventType) }, with: reactor, failed: failed, lease: lease)
        try await database.withWriteTransaction(locking: nil) { sql in
            if let lease { try await Leases.check(lease, on: sql) }
            try await Bookkeeping.advance(reactor: reactor.name, to: last.position, at: configuration.now(), on: sql)
        }
        return events.count
    }

    /// Runs a reactor's effects for events, in order. An effect that fails is retried later
    /// (thrown, after the events before it are done), or parked or skipped as the reactor's
    /// error policy says.
    ///
    /// - Throws: The failure to retry later, the database's errors, and cancellation.
    func react(to events: [RecordedEvent], with reactor: RegisteredReactor, failed: FailedAttempts, lease: LeaseHold?) async throws {
        for event in events {
            if let failure = try await react(to: event, with: reactor, lease: lease) {
                let attempts = failed.count(at: event.position) + 1
                let action = reactor.errorPolicy.action(afterFailedAttempts: attempts)
                guard action != .retryLater else { throw failure }
                try await database.withWriteTransaction(locking: nil) { sql in
                    if let lease { try await Leases.check(lease, on: sql) }
                    try await Bookkeeping.park(
                        event, by: reactor.name, generation: 0, error: failure.message, attempts: attempts, skipped: action == .skip,
                        at: configuration.now(), on: sql)
                    try await Bookkeeping.advance(reactor, past: event, at: configuration.now(), on: sql)
                }
                configuration.logger.warning(
                    "Went past an event the reactor could not handle",
                    metadata: ["reactor": "\(reactor.name)", "position": "\(event.position)", "action": "\(action)", "error": "\(failure.message)"])
            }
        }
    }

    /// Runs a reactor's effect for an event unless its receipt says it was done, then records
    /// the receipt and the checkpoint. Returns the handler's failure instead of throwing it.
    ///
    /// - Throws: The database's errors, and cancellation.
    func react(to event: RecordedEvent, with reactor: RegisteredReactor, lease: LeaseHold? = nil) async throws -> ReadSideError? {
        let done = try await database.withReadConnection { sql in
            try await Bookkeeping.hasReceipt(reactor: reactor.name, eventID: event.id, on: sql)
        }
        let writes = ReactionWrites()
        if !done {
            // Not on a lease that may run out before the effect is done: another node could
            // take it over and run the effect too.
            try await lease?.waitUntilValid(for: configuration.leaseDuration / 4, checkingEvery: configuration.leaseRenewal / 4)
            let metrics = configuration.aggregates.metrics
            let succeeded = Counter(label: Telemetry.reactions, dimensions: [("reactor", reactor.name)], factory: metrics)
            let failed = Counter(label: Telemetry.reactorFailures, dimensions: [("reactor", reactor.name)], factory: metrics)
            // The reaction continues the trace of the request that caused the event, when the
            // event carries one: even in another process, long after.
            let trace = event.metadata.traceContext.flatMap(Telemetry.serviceContext(continuing:)) ?? ServiceContext.current ?? .topLevel
            let failure: ReadSideError? = try await withSpan("chronicle.reaction", context: trace, ofKind: .consumer) { span in
                span.attributes["chronicle.reactor"] = reactor.name
                span.attributes["chronicle.event_type"] = event.eventType
                span.attributes["chronicle.position"] = Int(event.position)
                do {
                    try await reactor.handlers.handle(event, ReactionContext(event: event, aggregates: aggregates(), writes: writes))
                    return nil
                } catch is CancellationError {
                    throw CancellationError()
                } catch let error where EventStoreError.isUnavailable(error) {
                    throw error
                } catch {
                    span.recordError(error)
                    return ReadSideError.handlerFailed(reactor.name, event: event, underlying: error)
                }
            }
            if let failure {
                failed.increment()
                return failure
            }
            succeeded.increment()
        }
        do {
            try await database.withWriteTransaction(locking: nil) { sql in
                if let lease { try await Leases.check(lease, on: sql) }
                if !done {
                    do {
                        try await writes.run(on: sql)
                    } catch let error where !EventStoreError.isUnavailable(error) && !(error is CancellationError) {
                        throw ReactionWriteFailure(underlying: error)
                    }
                    try await Bookkeeping.insertReceipt(reactor: reactor.name, eventID: event.id, at: configuration.now(), on: sql)
                }
                try await Bookkeeping.advance(reactor, past: event, at: configuration.now(), on: sql)
            }
        } catch let error where EventStoreError.isUnavailable(error) || error is CancellationError {
            throw error
        } catch let failure as ReactionWriteFailure {
            return ReadSideError.handlerFailed(reactor.name, event: event, underlying: failure.underlying)
        }
        return nil
    }
}

/// A reaction's own write failed: the reaction failed, and its error policy decides.
struct ReactionWriteFailure: Error {
    let underlying: any Error
}

/// How often a consumer failed at the event it failed at last: what its error policy counts.
struct FailedAttempts: Sendable {
    private var position: Int64?
    private var count = 0

    /// The failed attempts at a position so far.
    func count(at position: Int64) -> Int {
        position == self.position ? count : 0
    }

    /// Counts a failed attempt at a position; a failure elsewhere starts a new count.
    mutating func record(at position: Int64) {
        if position == self.position {
            count += 1
        } else {
            self.position = position
            count = 1
        }
    }
}
