/// One runner of a read side: an async projection, a reactor, or one partition of a
/// partitioned reactor, with the batch step that moves it along the log.
struct Runner: Sendable {
    /// The projection or reactor.
    let name: String
    /// Its partition: 0 when it is not partitioned.
    let partition: Int
    /// How many partitions the consumer has: 1 when it is not partitioned.
    let partitions: Int
    /// Wakes the runner when events are appended.
    let wakeup = Wakeup()
    /// Applies or reacts to the next batch; returns how many events it read.
    let step: @Sendable (FailedAttempts) async throws -> Int
    /// Runs each time this node takes the runner's lease, before its first batch.
    let tookLease: @Sendable () async -> Void

    init(
        name: String, partition: Int, of partitions: Int = 1, tookLease: @escaping @Sendable () async -> Void = {},
        step: @escaping @Sendable (FailedAttempts) async throws -> Int
    ) {
        self.name = name
        self.partition = partition
        self.partitions = partitions
        self.tookLease = tookLease
        self.step = step
    }
}
