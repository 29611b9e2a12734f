/// The global log read lazily in batches, from a position to the head.
///
/// Made by ``EventStore/readLog(after:batchSize:)``. The head is read when iteration starts;
/// the sequence ends once it has delivered every event up to it. When a store holds back
/// events because a transaction that took a lower position is still running, the sequence
/// waits for that transaction instead of skipping, so no event is ever missed.
public struct EventLogSequence: AsyncSequence, Sendable {
    /// The events, in position order.
    public typealias Element = RecordedEvent

    let store: any EventStore
    let start: Int64
    let batchSize: Int

    init(store: any EventStore, after position: Int64, batchSize: Int) {
        precondition(batchSize > 0, "A batch holds at least one event.")
        self.store = store
        self.start = position
        self.batchSize = batchSize
    }

    /// Creates the iterator; nothing is read before the first `next()`.
    public func makeAsyncIterator() -> Iterator {
        Iterator(store: store, cursor: start, batchSize: batchSize)
    }

    /// Reads the next batch when the current one is used up.
    public struct Iterator: AsyncIteratorProtocol {
        let store: any EventStore
        var cursor: Int64
        let batchSize: Int
        var head: Int64?
        var batch: [RecordedEvent] = []
        var index = 0

        /// The next event, or `nil` after the head.
        /// - Throws: The store's error; `CancellationError` when cancelled while waiting.
        public mutating func next() async throws -> RecordedEvent? {
            if index == batch.count {
                guard try await fetch() else { return nil }
            }
            defer { index += 1 }
            return batch[index]
        }

        private mutating func fetch() async throws -> Bool {
            let head: Int64
            if let known = self.head {
                head = known
            } else {
                head = try await store.headPosition()
                self.head = head
            }
            var pause = Duration.milliseconds(1)
            while cursor < head {
                let events = try await store.readLog(after: cursor, limit: batchSize)
                if let last = events.last {
                    batch = events
                    index = 0
                    cursor = last.position
                    return true
                }
                // Committed events exist up to the head, but a transaction holding a lower
                // position is still running: wait for it rather than skip past it.
                try await Task.sleep(for: pause)
                pause = Swift.min(pause * 2, .milliseconds(100))
            }
            return false
        }
    }
}

/// An iterator belongs to the task that iterates; share the sequence, not the iterator.
@available(*, unavailable)
extension EventLogSequence.Iterator: Sendable {}
