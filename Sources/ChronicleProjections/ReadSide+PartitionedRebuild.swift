import Chronicle
import ChronicleSQL

extension ReadSide {
    /// Makes the partition rows of an online rebuild of a partitioned projection, unless it has
    /// them (a resumed rebuild). Returns where the lowest partition is, to read on from.
    func startRebuildPartitions(of projection: RegisteredProjection) async throws -> Int64 {
        let owner = PartitionOwner.rebuild(projection.name)
        return try await database.withWriteTransaction(locking: Self.rebuildLock(projection.name)) { sql in
            try await Bookkeeping.startPartitions(of: owner, partitions: projection.partitions, at: configuration.now(), on: sql)
            return try await Bookkeeping.checkpoints(of: owner.consumer, on: sql).values.min() ?? 0
        }
    }

    /// Replays a batch into an online rebuild's tables, each partition's share of it in a
    /// transaction of its own, all side by side; each moves its partition's checkpoint to the
    /// batch's end.
    ///
    /// The transactions hold the rebuild's lock shared, so that a discard waits for them, and
    /// their partition's exclusively, so that a second process resuming the same rebuild takes
    /// turns with this one: each applies only the events after its partition's checkpoint.
    ///
    /// - Throws: ``ReadSideError/Code/noRebuildInProgress`` when the rebuild was discarded, the
    ///   failure the projection's error policy does not go past, or the database's error.
    func replayInParallel(
        _ events: [RecordedEvent], into projection: RegisteredProjection, generation: Int, tables: [String: String]
    ) async throws {
        guard let last = events.last?.position else { return }
        let shares = Dictionary(grouping: events.filter { projection.handlers.handles($0.eventType) }, by: projection.partition(of:))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for partition in 0..<projection.partitions {
                let share = shares[partition] ?? []
                group.addTask {
                    // Another process starting or discarding the rebuild holds its lock for a
                    // moment: try again.
                    while try await Self.unlessBusy({
                        try await self.replay(share, of: partition, upTo: last, into: projection, generation: generation, tables: tables)
                    }) == nil {
                        try await Task.sleep(for: .milliseconds(20))
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Replays a partition's share of a batch into an online rebuild's tables, and moves its
    /// checkpoint to the batch's end, in one transaction.
    private func replay(
        _ share: [RecordedEvent], of partition: Int, upTo last: Int64, into projection: RegisteredProjection, generation: Int,
        tables: [String: String]
    ) async throws {
        let name = projection.name
        let owner = PartitionOwner.rebuild(name)
        let dialect = database.dialect
        try await database.withWriteTransaction(locking: "\(Self.rebuildLock(name))#\(partition)", sharing: [Self.rebuildLock(name)]) { sql in
            guard let current = try await Bookkeeping.rebuild(name, on: sql), current.generation == generation else {
                throw ReadSideError(code: .noRebuildInProgress, message: "The online rebuild of \(name) was discarded.", name: name)
            }
            let checkpoint = try await Bookkeeping.checkpoint(of: owner, partition: partition, of: projection.partitions, on: sql) ?? 0
            guard checkpoint < last else { return }
            try await self.replay(
                share.filter { $0.position > checkpoint }, into: projection, sql: sql, dialect: dialect, tables: tables, generation: generation)
            try await Bookkeeping.advance(owner, partition: partition, to: last, at: self.configuration.now(), on: sql)
        }
    }
}
