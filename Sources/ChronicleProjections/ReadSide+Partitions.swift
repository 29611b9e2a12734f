import Chronicle
import ChronicleSQL
import Foundation

extension ReadSide {
    /// Runs one partition of a partitioned reactor on the next batch of the log: the effects of
    /// the events of its entities, each followed by its receipt and the partition's checkpoint,
    /// as ``reactToNextBatch(of:failed:lease:)`` does for a whole reactor. Returns how many
    /// events it read.
    ///
    /// Of the other events, which are most of them, only the runner's cursor takes note, in
    /// memory: with n partitions, writing every partition's checkpoint after every batch would
    /// write n times per batch. The checkpoint is written when the cursor is ten batches ahead,
    /// or, once caught up, at most every ``PartitionCursor/checkpointInterval``. A runner that
    /// stops before then reads those events again, and finds none of its own among them.
    func reactToNextBatch(
        of reactor: RegisteredReactor, partition: Int, cursor: PartitionCursor, failed: FailedAttempts = FailedAttempts(), lease: LeaseHold? = nil
    ) async throws -> Int {
        let owner = PartitionOwner.reactor(reactor.name)
        let saved = try await savedCheckpoint(of: owner, partition: partition, of: reactor.partitions, cursor: cursor)
        let from = max(saved, await cursor.position)
        let events = try await database.readLog(after: from, limit: configuration.batchSize)
        guard !events.isEmpty else {
            try await saveCheckpointWhenDue(of: owner, partition: partition, of: reactor.partitions, at: from, saved: saved, cursor: cursor, lease: lease)
            return 0
        }
        let own = events.filter { reactor.handlers.handles($0.eventType) && reactor.partition(of: $0) == partition }
        try await react(to: own, with: reactor, failed: failed, lease: lease)
        if let lastOwn = own.last {
            // Each reaction moved the checkpoint past its event, in its transaction.
            await cursor.saved(lastOwn.position)
        }
        try await passOver(events, of: owner, partition: partition, of: reactor.partitions, saved: await cursor.saved ?? saved, cursor: cursor, lease: lease)
        return events.count
    }

    /// Applies the next batch of the log to one partition of a partitioned projection: the
    /// events of its entities, in one transaction with the partition's checkpoint, as
    /// ``applyNextBatch(of:failed:lease:)`` does for a whole projection. Returns how many events
    /// it read.
    ///
    /// The transaction holds the projection's lock shared and the partition's exclusively, so
    /// the partitions write side by side, and a rebuild or an operator's retry waits for them.
    /// Batches without events of the partition's entities move its cursor only, as for a
    /// partitioned reactor. A rebuild resets the partitions' checkpoints: a runner that finds
    /// its checkpoint not where it left it starts again from where it is.
    func applyNextBatch(
        of projection: RegisteredProjection, partition: Int, cursor: PartitionCursor, failed: FailedAttempts = FailedAttempts(),
        lease: LeaseHold? = nil
    ) async throws -> Int {
        let owner = PartitionOwner.projection(projection.name)
        if await cursor.saved == nil {
            _ = try await liveRow(of: projection)
        }
        let saved = try await savedCheckpoint(of: owner, partition: partition, of: projection.partitions, cursor: cursor)
        let from = max(saved, await cursor.position)
        let events = try await database.readLog(after: from, limit: configuration.batchSize)
        guard let last = events.last else {
            try await saveCheckpointWhenDue(
                of: owner, partition: partition, of: projection.partitions, at: from, saved: saved, cursor: cursor, lease: lease,
                locks: Self.locks(of: projection, partition))
            return 0
        }
        let own = events.filter { projection.handlers.handles($0.eventType) && projection.partition(of: $0) == partition }
        guard !own.isEmpty else {
            try await passOver(
                events, of: owner, partition: partition, of: projection.partitions, saved: saved, cursor: cursor, lease: lease,
                locks: Self.locks(of: projection, partition))
            return events.count
        }
        switch try await apply(own, of: projection, partition: partition, through: last.position, saved: saved, failed: failed, lease: lease) {
        case .busy:
            // A rebuild holds the projection's lock: wait, then read the batch again.
            return 0
        case .moved:
            await cursor.restart()
            return events.count
        case .applied(let through, let stoppedAt):
            if let through {
                await cursor.saved(through)
                await cursor.move(to: through)
            }
            if let stoppedAt { throw stoppedAt }
            return events.count
        }
    }

    /// What became of a partition's transaction.
    enum PartitionWrite: Sendable {
        /// The projection's lock was held exclusively (a rebuild): nothing was written.
        case busy
        /// The partition's checkpoint was not where the runner left it (a rebuild reset it, or
        /// an operator skipped an event): nothing was written.
        case moved
        /// The events were applied up to `through` (`nil`: none), and stopped at a failure, if any.
        case applied(through: Int64?, stoppedAt: ReadSideError?)
    }

    /// Applies a partition's events of a batch that ends at `end`, and moves its checkpoint,
    /// in one transaction holding the projection's lock shared and the partition's exclusively.
    private func apply(
        _ own: [RecordedEvent], of projection: RegisteredProjection, partition: Int, through end: Int64, saved: Int64,
        failed: FailedAttempts, lease: LeaseHold?
    ) async throws -> PartitionWrite {
        let owner = PartitionOwner.projection(projection.name)
        let dialect = database.dialect
        let locks = Self.locks(of: projection, partition)
        let write = try await Self.unlessBusy {
            try await self.database.withWriteTransaction(locking: locks.exclusive, sharing: locks.shared) { sql -> PartitionWrite in
                if let lease { try await Leases.check(lease, on: sql) }
                let current = try await self.liveRow(of: projection, on: sql)
                let checkpoint = try await Bookkeeping.checkpoint(of: owner, partition: partition, of: projection.partitions, on: sql)
                guard checkpoint == saved else { return .moved }
                let now = self.configuration.now()
                let outcome = try await projection.apply(
                    own, tolerating: sql, dialect: dialect, tables: projection.tableNames(shadowGeneration: nil), generation: current.generation,
                    failedAttempts: failed.count(at:), now: now)
                // Unless it stopped, the partition has come to the batch's end: none of the others is its own.
                let through = outcome.stoppedAt == nil ? end : outcome.through
                if let through {
                    try await Bookkeeping.advance(owner, partition: partition, to: through, at: now, on: sql)
                }
                return .applied(through: through, stoppedAt: outcome.stoppedAt)
            }
        }
        return write ?? .busy
    }

    /// The work's result, or `nil` when a lock it was to hold shared was busy (`LockBusy`).
    static func unlessBusy<Result: Sendable>(_ work: () async throws -> Result) async throws -> Result? {
        do {
            return try await work()
        } catch is LockBusy {
            return nil
        }
    }

    /// The locks a partition of a projection writes under: the projection's, shared, and the
    /// partition's own.
    static func locks(of projection: RegisteredProjection, _ partition: Int) -> (exclusive: String, shared: [String]) {
        ("\(projection.name)#\(partition)", [projection.name])
    }

    /// The partition's checkpoint as its cursor knows it, or as written, making the owner's
    /// partition rows first when it has none for its number of partitions (its first run, the
    /// number changed, or a rebuild dropped them).
    private func savedCheckpoint(of owner: PartitionOwner, partition: Int, of partitions: Int, cursor: PartitionCursor) async throws -> Int64 {
        if let known = await cursor.saved { return known }
        var saved = try await database.withReadConnection { sql in
            try await Bookkeeping.checkpoint(of: owner, partition: partition, of: partitions, on: sql)
        }
        if saved == nil {
            saved = try await database.withWriteTransaction(locking: nil) { sql in
                try await Bookkeeping.startPartitions(of: owner, partitions: partitions, at: configuration.now(), on: sql)
                return try await Bookkeeping.checkpoint(of: owner, partition: partition, of: partitions, on: sql)
            }
        }
        guard let saved else {
            throw ReadSideError(code: .invalidDefinition, message: "\(owner.consumer) has no partition \(partition).", name: owner.consumer)
        }
        await cursor.saved(saved)
        return saved
    }

    /// Notes a batch with none of the partition's events in its cursor, and writes the
    /// checkpoint when the cursor is ten batches ahead of it.
    private func passOver(
        _ events: [RecordedEvent], of owner: PartitionOwner, partition: Int, of partitions: Int, saved: Int64, cursor: PartitionCursor, lease: LeaseHold?,
        locks: (exclusive: String, shared: [String])? = nil
    ) async throws {
        guard let last = events.last else { return }
        await cursor.move(to: last.position)
        if last.position - saved >= Int64(configuration.batchSize) * 10 {
            try await saveCheckpoint(of: owner, partition: partition, of: partitions, at: last.position, saved: saved, cursor: cursor, lease: lease, locks: locks)
        }
    }

    /// Writes a caught-up partition's checkpoint when its cursor is ahead of it and the last
    /// write is ``PartitionCursor/checkpointInterval`` ago.
    private func saveCheckpointWhenDue(
        of owner: PartitionOwner, partition: Int, of partitions: Int, at position: Int64, saved: Int64, cursor: PartitionCursor, lease: LeaseHold?,
        locks: (exclusive: String, shared: [String])? = nil
    ) async throws {
        guard position > saved, await cursor.isCheckpointDue else { return }
        try await saveCheckpoint(of: owner, partition: partition, of: partitions, at: position, saved: saved, cursor: cursor, lease: lease, locks: locks)
    }

    /// Writes the partition's checkpoint, unless it is no longer where the cursor left it (a
    /// rebuild reset it, or an operator skipped an event): then the cursor starts again.
    private func saveCheckpoint(
        of owner: PartitionOwner, partition: Int, of partitions: Int, at position: Int64, saved: Int64, cursor: PartitionCursor, lease: LeaseHold?,
        locks: (exclusive: String, shared: [String])?
    ) async throws {
        let written = try await Self.unlessBusy { try await self.database.withWriteTransaction(locking: locks?.exclusive, sharing: locks?.shared ?? []) { sql -> Bool in
            if let lease { try await Leases.check(lease, on: sql) }
            guard try await Bookkeeping.checkpoint(of: owner, partition: partition, of: partitions, on: sql) == saved else { return false }
            try await Bookkeeping.advance(owner, partition: partition, to: position, at: configuration.now(), on: sql)
            return true
        } }
        // A rebuild holds the projection's lock: the checkpoint is written another time.
        guard let moved = written else { return }
        if moved {
            await cursor.saved(position)
        } else {
            await cursor.restart()
        }
    }
}

/// How far a partition's runner has read, and the checkpoint it knows written: while its node
/// holds the partition's lease, no other node writes it. ``restart()`` on each taking of the
/// lease.
actor PartitionCursor {
    /// How often, at most, a caught-up partition writes its checkpoint.
    static let checkpointInterval = Duration.seconds(1)

    private(set) var position: Int64 = 0
    private(set) var saved: Int64?
    private var savedAt = ContinuousClock.now

    /// Whether a caught-up partition should write its checkpoint now.
    var isCheckpointDue: Bool { ContinuousClock.now - savedAt >= Self.checkpointInterval }

    func move(to position: Int64) {
        self.position = max(self.position, position)
    }

    /// Notes the checkpoint written.
    func saved(_ position: Int64) {
        saved = max(saved ?? position, position)
        savedAt = ContinuousClock.now
    }

    /// Forgets the checkpoint and how far it read, so that the next batch reads the checkpoint
    /// and goes on from there: another node may have moved it meanwhile, or a rebuild reset it.
    func restart() {
        saved = nil
        position = 0
    }
}
