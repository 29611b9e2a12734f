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
        let saved: Int64
        if let known = await cursor.saved {
            saved = known
        } else {
            saved = try await savedCheckpoint(of: reactor, partition: partition)
            await cursor.saved(saved)
        }
        let from = max(saved, await cursor.position)
        let events = try await database.readLog(after: from, limit: configuration.batchSize)
        guard let last = events.last else {
            if from > saved, await cursor.isCheckpointDue {
                try await saveCheckpoint(of: reactor, partition: partition, at: from, lease: lease)
                await cursor.saved(from)
            }
            return 0
        }
        let own = events.filter { reactor.handlers.handles($0.eventType) && reactor.partition(of: $0) == partition }
        try await react(to: own, with: reactor, failed: failed, lease: lease)
        if let lastOwn = own.last {
            // Each reaction moved the checkpoint past its event, in its transaction.
            await cursor.saved(lastOwn.position)
        }
        if last.position - saved >= Int64(configuration.batchSize) * 10 {
            try await saveCheckpoint(of: reactor, partition: partition, at: last.position, lease: lease)
            await cursor.saved(last.position)
        }
        await cursor.move(to: last.position)
        return events.count
    }

    /// The partition's checkpoint as written, making the reactor's partition rows first when
    /// it has none for its number of partitions (its first run, or the number changed).
    private func savedCheckpoint(of reactor: RegisteredReactor, partition: Int) async throws -> Int64 {
        let saved = try await database.withReadConnection { sql in
            try await Bookkeeping.checkpoint(reactor: reactor.name, partition: partition, of: reactor.partitions, on: sql)
        }
        if let saved { return saved }
        return try await database.withWriteTransaction(locking: nil) { sql in
            try await Bookkeeping.startPartitions(reactor: reactor.name, partitions: reactor.partitions, at: configuration.now(), on: sql)
            guard let saved = try await Bookkeeping.checkpoint(reactor: reactor.name, partition: partition, of: reactor.partitions, on: sql) else {
                throw ReadSideError(
                    code: .invalidDefinition, message: "Reactor \(reactor.name) has no partition \(partition).", name: reactor.name)
            }
            return saved
        }
    }

    private func saveCheckpoint(of reactor: RegisteredReactor, partition: Int, at position: Int64, lease: LeaseHold?) async throws {
        try await database.withWriteTransaction(locking: nil) { sql in
            if let lease { try await Leases.check(lease, on: sql) }
            try await Bookkeeping.advance(reactor: reactor.name, partition: partition, to: position, at: configuration.now(), on: sql)
        }
    }
}

/// How far a partition's runner has read, and the checkpoint it knows written: while its node
/// holds the partition's lease, no other node writes it. ``forget()`` on each taking of the
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

    /// Forgets the checkpoint, so that the next batch reads it: another node may have moved it.
    func forget() {
        saved = nil
    }
}
