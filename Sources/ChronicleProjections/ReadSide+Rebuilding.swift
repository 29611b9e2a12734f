import Chronicle
import ChronicleMigrations
import ChronicleSQL
import CoreMetrics
import Foundation
import Logging
import SQLKit

extension ReadSide {
    /// Rebuilds a projection from the whole log, with reactors off.
    ///
    /// A rebuild never calls a reactor: it replays events into the projection's tables only. It
    /// builds the code's version of the projection, so it is how a changed projection (a bumped
    /// version) becomes current.
    ///
    /// ```swift
    /// try await readSide.rebuild("meetings", mode: .online) { print($0) }
    /// ```
    ///
    /// - Parameters:
    ///   - name: The projection.
    ///   - mode: ``RebuildMode/offline`` (one transaction) or ``RebuildMode/online`` (beside the live
    ///     tables, resumable; a partitioned projection's partitions replayed side by side).
    ///   - progress: Called after every batch.
    /// - Throws: ``ReadSideError`` (``ReadSideError/Code/unknownName``,
    ///   ``ReadSideError/Code/reservedName`` for a projection that names the store's tables,
    ///   ``ReadSideError/Code/invalidDefinition`` for partitions it cannot run in,
    ///   ``ReadSideError/Code/rebuildInProgress`` for an offline rebuild while an online one is
    ///   under way), or the error of a handler the projection's ``ErrorPolicy`` does not go past.
    ///
    /// - Important: A handler that fails at an event is treated as its projection's
    ///   ``ErrorPolicy`` says: `stop` fails the rebuild (nothing of an offline rebuild is kept);
    ///   `park(afterAttempts:)` tries the event that many times, then parks it and goes on;
    ///   `skip` skips it. The rebuilt tables' parked and skipped events replace those of the
    ///   tables they replace.
    public func rebuild(
        _ name: String, mode: RebuildMode, progress: (@Sendable (RebuildProgress) -> Void)? = nil
    ) async throws {
        let projection = try projection(named: name)
        try checkRegistration()
        try await ensureBookkeeping(of: projection)
        switch mode {
        case .offline:
            let inProgress = try await database.withReadConnection { sql in try await Bookkeeping.rebuild(name, on: sql) }
            if inProgress != nil {
                throw ReadSideError(
                    code: .rebuildInProgress,
                    message: "An online rebuild of \(name) is under way: resume it (rebuild online) or discard it first.", name: name)
            }
            try await rebuildOffline(projection, progress: progress)
        case .online:
            try await rebuildOnline(projection, progress: progress)
        }
        await inlineState.invalidate()
    }

    /// Rebuilds a projection, named by its type. See ``rebuild(_:mode:progress:)-(String,_,_)``.
    ///
    /// ```swift
    /// try await app.readSide.rebuild(BalancesProjection.self, mode: .online)
    /// ```
    public func rebuild<P: Projection>(
        _ projection: P.Type, mode: RebuildMode, progress: (@Sendable (RebuildProgress) -> Void)? = nil
    ) async throws {
        try await rebuild(P.name, mode: mode, progress: progress)
    }

    /// Drops the tables of an interrupted online rebuild. The live tables are not touched.
    ///
    /// - Throws: ``ReadSideError/Code/noRebuildInProgress`` when there is none.
    public func discardRebuild(_ name: String) async throws {
        let projection = try projection(named: name)
        try await database.withWriteTransaction(locking: Self.rebuildLock(name)) { sql in
            guard let rebuild = try await Bookkeeping.rebuild(name, on: sql) else {
                throw ReadSideError(code: .noRebuildInProgress, message: "No online rebuild of \(name) is under way.", name: name)
            }
            for table in projection.tables {
                try await Bookkeeping.drop(
                    table: ProjectionTable.physicalName(table.name, shadowGeneration: rebuild.generation), of: name, on: sql)
            }
            try await Bookkeeping.forgetParkedEvents(of: name, onlyGeneration: rebuild.generation, on: sql)
            try await Bookkeeping.forgetPartitions(of: PartitionOwner.rebuild(name).consumer, on: sql)
            try await Bookkeeping.deleteRebuild(name, on: sql)
        }
        configuration.logger.info("Discarded the online rebuild", metadata: ["projection": "\(name)"])
    }

    /// A projection never set up gets its bookkeeping row (and empty tables) first; one set up
    /// before tables were recorded has its tables recorded.
    private func ensureBookkeeping(of projection: RegisteredProjection) async throws {
        _ = try await database.withWriteTransaction(locking: projection.name) { sql in
            try await setUp(projection, on: sql)
        }
    }

    /// The offline rebuild: one transaction holding the projection's lock.
    ///
    /// An inline projection reads every committed event: no append of its event types can be in
    /// flight while its lock is held. An async projection reads the guarded log up to the head
    /// seen at the start (waiting a little for events held back by transactions still open
    /// elsewhere); its runner continues from there.
    func rebuildOffline(_ projection: RegisteredProjection, progress: (@Sendable (RebuildProgress) -> Void)?) async throws {
        let head = try await database.headPosition()
        let started = ContinuousClock.now
        let dialect = database.dialect
        let batchSize = configuration.rebuildBatchSize
        configuration.logger.info("Offline rebuild started", metadata: ["projection": "\(projection.name)", "head": "\(head)"])
        let replayed = try await database.withWriteTransaction(locking: projection.name) { sql -> Int in
            guard let row = try await Bookkeeping.projection(projection.name, on: sql) else { return 0 }
            let tables = projection.tableNames(shadowGeneration: nil)
            for table in projection.tables {
                try await Bookkeeping.drop(table: table.name, of: projection.name, on: sql)
                try await Bookkeeping.create(
                    table, as: table.name, for: projection.name, generation: row.generation, dialect: dialect, at: configuration.now(), on: sql)
            }
            try await Bookkeeping.forgetParkedEvents(of: projection.name, onlyGeneration: row.generation, on: sql)
            var position: Int64 = 0
            var replayed = 0
            var reader = PrefetchingLogReader { [database] position in
                projection.mode == .inline
                    ? try await database.readCommittedLog(after: position, limit: batchSize)
                    : try await readLogCatchingUp(after: position, limit: batchSize, through: head)
            }
            defer { reader.cancel() }
            while true {
                try Task.checkCancellation()
                let events = try await reader.batch(after: position)
                guard let last = events.last else { break }
                try await replay(events, into: projection, sql: sql, dialect: dialect, tables: tables, generation: row.generation)
                position = last.position
                replayed += events.count
                countRebuilt(events.count, of: projection.name)
                progress?(Self.progress(projection.name, position: position, head: head, replayed: replayed, since: started))
                if projection.mode == .async && events.count < batchSize { break }
            }
            try await Bookkeeping.replace(
                projection: projection.name, version: projection.version, mode: projection.mode.rawValue, partitions: projection.partitions,
                generation: row.generation, position: position, at: configuration.now(), on: sql)
            return replayed
        }
        configuration.logger.info(
            "Offline rebuild done", metadata: ["projection": "\(projection.name)", "events": "\(replayed)"])
    }

    /// The online rebuild: fill the next generation's tables beside the live ones in batches,
    /// then swap them in under the projection's lock.
    private func rebuildOnline(_ projection: RegisteredProjection, progress: (@Sendable (RebuildProgress) -> Void)?) async throws {
        let name = projection.name
        let dialect = database.dialect
        let batchSize = configuration.rebuildBatchSize
        let head = try await database.headPosition()
        let started = ContinuousClock.now

        // Start, or resume the rebuild of the same version.
        let rebuild = try await database.withWriteTransaction(locking: Self.rebuildLock(name)) { sql -> RebuildRow in
            if let existing = try await Bookkeeping.rebuild(name, on: sql) {
                guard existing.version == projection.version else {
                    throw ReadSideError(
                        code: .rebuildInProgress,
                        message: "An online rebuild of \(name) to version \(existing.version) is under way; the code is version \(projection.version). Discard it first.",
                        name: name)
                }
                if let partitions = try await Bookkeeping.partitions(of: PartitionOwner.rebuild(name).consumer, on: sql),
                    partitions != projection.partitions
                {
                    throw ReadSideError(
                        code: .rebuildInProgress,
                        message: "An online rebuild of \(name) in \(partitions) partitions is under way; the code declares \(projection.partitions). Discard it first.",
                        name: name)
                }
                return existing
            }
            guard let live = try await Bookkeeping.projection(name, on: sql) else {
                throw ReadSideError(code: .notMigrated, message: "Projection \(name) has no tables yet. Migrate it first.", name: name)
            }
            let rebuild = RebuildRow(name: name, version: projection.version, generation: live.generation + 1, position: 0)
            for table in projection.tables {
                let shadow = ProjectionTable.physicalName(table.name, shadowGeneration: rebuild.generation)
                try await Bookkeeping.drop(table: shadow, of: name, on: sql)
                try await Bookkeeping.create(
                    table, as: shadow, for: name, generation: rebuild.generation, dialect: dialect, at: configuration.now(), on: sql)
            }
            try await Bookkeeping.forgetParkedEvents(of: name, onlyGeneration: rebuild.generation, on: sql)
            try await Bookkeeping.forgetPartitions(of: PartitionOwner.rebuild(name).consumer, on: sql)
            try await Bookkeeping.insertRebuild(rebuild, at: configuration.now(), on: sql)
            return rebuild
        }
        let shadowTables = projection.tableNames(shadowGeneration: rebuild.generation)
        configuration.logger.info(
            "Online rebuild started", metadata: ["projection": "\(name)", "generation": "\(rebuild.generation)", "from": "\(rebuild.position)"])

        // Replay into the shadow tables, one transaction per batch, until caught up. A
        // partitioned projection reads a batch per partition at a time, and replays each
        // partition's share of it in a transaction of its own, side by side.
        var position = rebuild.position
        var replayed = 0
        let readLimit = batchSize * projection.partitions
        var reader = PrefetchingLogReader { position in try await readLogCatchingUp(after: position, limit: readLimit, through: head) }
        defer { reader.cancel() }
        if projection.isPartitioned {
            position = try await startRebuildPartitions(of: projection)
        }
        while true {
            try Task.checkCancellation()
            let events = try await reader.batch(after: position)
            guard let last = events.last else { break }
            if projection.isPartitioned {
                try await replayInParallel(events, into: projection, generation: rebuild.generation, tables: shadowTables)
                position = last.position
            } else {
                position = try await database.withWriteTransaction(locking: Self.rebuildLock(name)) { sql -> Int64 in
                    guard let current = try await Bookkeeping.rebuild(name, on: sql), current.generation == rebuild.generation else {
                        throw ReadSideError(code: .noRebuildInProgress, message: "The online rebuild of \(name) was discarded.", name: name)
                    }
                    let fresh = events.filter { $0.position > current.position }
                    guard let last = fresh.last else { return current.position }
                    try await replay(fresh, into: projection, sql: sql, dialect: dialect, tables: shadowTables, generation: rebuild.generation)
                    try await Bookkeeping.advance(rebuild: name, to: last.position, on: sql)
                    return last.position
                }
            }
            replayed += events.count
            countRebuilt(events.count, of: name)
            progress?(Self.progress(name, position: position, head: head, replayed: replayed, since: started))
            if events.count < readLimit { break }
        }

        // Swap: catch up under the projection's lock, then replace the live tables.
        try await database.withWriteTransaction(locking: name) { sql in
            guard let live = try await Bookkeeping.projection(name, on: sql),
                var current = try await Bookkeeping.rebuild(name, on: sql), current.generation == rebuild.generation
            else {
                throw ReadSideError(code: .noRebuildInProgress, message: "The online rebuild of \(name) was discarded.", name: name)
            }
            // A partitioned rebuild's partitions may have come further than the lowest.
            let partitionCheckpoints = try await Bookkeeping.checkpoints(of: PartitionOwner.rebuild(name).consumer, on: sql)
            while true {
                // Inline: every committed event (none of the projection's can be in flight while
                // its lock is held). Async: the guarded log up to the live checkpoint.
                let events = projection.mode == .inline
                    ? try await database.readCommittedLog(after: current.position, limit: batchSize)
                    : try await database.readLog(after: current.position, limit: batchSize).filter { $0.position <= live.position }
                guard let last = events.last else { break }
                let fresh = events.filter { $0.position > partitionCheckpoints[projection.partition(of: $0), default: 0] }
                try await replay(fresh, into: projection, sql: sql, dialect: dialect, tables: shadowTables, generation: current.generation)
                current.position = last.position
            }
            for table in projection.tables {
                try await Bookkeeping.drop(table: table.name, of: name, on: sql)
                try await Bookkeeping.rename(
                    table: ProjectionTable.physicalName(table.name, shadowGeneration: current.generation), to: table.name,
                    generation: current.generation, of: name, on: sql)
            }
            try await Bookkeeping.forgetParkedEvents(of: name, exceptGeneration: current.generation, on: sql)
            try await Bookkeeping.replace(
                projection: name, version: projection.version, mode: projection.mode.rawValue, partitions: projection.partitions,
                generation: current.generation, position: current.position, at: configuration.now(), on: sql)
            try await Bookkeeping.forgetPartitions(of: PartitionOwner.rebuild(name).consumer, on: sql)
            try await Bookkeeping.deleteRebuild(name, on: sql)
        }
        configuration.logger.info("Online rebuild swapped in", metadata: ["projection": "\(name)", "generation": "\(rebuild.generation)"])
    }

    /// Replays events into a rebuild's tables by the projection's ``ErrorPolicy``: an event that
    /// fails is tried again at once while the policy allows, then parked or skipped; with
    /// ``ErrorPolicy/stop`` the failure ends the rebuild.
    func replay(
        _ events: [RecordedEvent], into projection: RegisteredProjection, sql: any SQLDatabase, dialect: any StoreDialect,
        tables: [String: String], generation: Int
    ) async throws {
        var failed = FailedAttempts()
        var pending = events[...]
        while !pending.isEmpty {
            let outcome = try await projection.apply(
                Array(pending), tolerating: sql, dialect: dialect, tables: tables, generation: generation,
                failedAttempts: failed.count(at:), now: configuration.now())
            guard let failure = outcome.stoppedAt, let position = failure.position else { return }
            if projection.errorPolicy == .stop { throw failure }
            failed.record(at: position)
            pending = pending.drop { $0.position <= (outcome.through ?? 0) }
        }
    }

    /// The guarded log after a position, for a rebuild that means to reach `head`.
    ///
    /// The guard holds committed events back while an older transaction anywhere in the database
    /// is still open. When a batch comes back short although committed events up to `head`
    /// follow, this waits for them (10 ms at a time, for up to a minute, with a warning after
    /// 5 s) instead of ending the rebuild early; after that the rebuild ends where it is and the
    /// runner catches up.
    func readLogCatchingUp(after position: Int64, limit: Int, through head: Int64) async throws -> [RecordedEvent] {
        let started = ContinuousClock.now
        var warned = false
        while true {
            let events = try await database.readLog(after: position, limit: limit)
            let reached = events.last?.position ?? position
            let waited = ContinuousClock.now - started
            guard events.count < limit, reached < head, waited < .seconds(60),
                let next = try await database.readCommittedLog(after: reached, limit: 1).first, next.position <= head
            else { return events }
            if !warned && waited > .seconds(5) {
                warned = true
                configuration.logger.warning(
                    "Rebuild waits for committed events held back by an older transaction still open in the database",
                    metadata: ["after": "\(reached)", "head": "\(head)"])
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// The lock that keeps two online rebuilds of a projection from writing its shadow tables.
    static func rebuildLock(_ name: String) -> String {
        "rebuild:\(name)"
    }

    /// Counts events a rebuild replayed: `chronicle_rebuild_events`, whose rate is the rebuild's.
    private func countRebuilt(_ count: Int, of projection: String) {
        Counter(label: Telemetry.rebuildEvents, dimensions: [("projection", projection)], factory: configuration.aggregates.metrics)
            .increment(by: count)
    }

    static func progress(_ name: String, position: Int64, head: Int64, replayed: Int, since start: ContinuousClock.Instant) -> RebuildProgress {
        let elapsed = ContinuousClock.now - start
        let seconds = elapsed.timeInterval
        return RebuildProgress(
            projection: name, position: position, head: max(head, position), eventsReplayed: replayed,
            eventsPerSecond: seconds > 0 ? Double(replayed) / seconds : 0)
    }
}
