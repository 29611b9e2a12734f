import Chronicle
import ChronicleSQL

/// Reads the log a batch ahead: while the caller applies one batch, the next one is read.
///
/// Rebuilds spend about as long reading and decoding events as applying them; reading ahead
/// overlaps the two. Call ``cancel()`` when done, so that a read no one will use stops.
struct PrefetchingLogReader: Sendable {
    private let read: @Sendable (Int64) async throws -> [RecordedEvent]
    private var ahead: (position: Int64, task: Task<[RecordedEvent], any Error>)?

    /// A reader of batches after a position, such as `{ try await database.readLog(after: $0, limit: 500) }`.
    init(_ read: @escaping @Sendable (Int64) async throws -> [RecordedEvent]) {
        self.read = read
    }

    /// The batch after a position (read ahead when the previous batch ended there), and starts
    /// reading the one after it.
    mutating func batch(after position: Int64) async throws -> [RecordedEvent] {
        let task: Task<[RecordedEvent], any Error>
        if let ahead, ahead.position == position {
            task = ahead.task
        } else {
            ahead?.task.cancel()
            let read = read
            task = Task { try await read(position) }
        }
        ahead = nil
        let events = try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
        if let last = events.last?.position {
            let read = read
            ahead = (last, Task { try await read(last) })
        }
        return events
    }

    /// Stops the read ahead, if any.
    func cancel() {
        ahead?.task.cancel()
    }
}
