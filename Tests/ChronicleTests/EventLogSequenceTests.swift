import Chronicle
import Foundation
import Testing

/// A store whose log read holds back the newest events for a while, as PostgreSQL does while a
/// transaction that took a lower position is still running.
final class HoldingBackStore: EventStore {
    let base = InMemoryEventStore()
    let emptyReads: Int
    private let reads = Counter()

    actor Counter {
        var value = 0
        func next() -> Int {
            value += 1
            return value
        }
    }

    init(emptyReads: Int) {
        self.emptyReads = emptyReads
    }

    @discardableResult
    func append(_ events: [NewEvent], to stream: StreamName, expected: ExpectedVersion) async throws -> AppendResult {
        try await base.append(events, to: stream, expected: expected)
    }

    func readStream(_ stream: StreamName, after version: Int, through lastVersion: Int?, limit: Int) async throws -> [RecordedEvent] {
        try await base.readStream(stream, after: version, through: lastVersion, limit: limit)
    }

    func readLog(after position: Int64, limit: Int) async throws -> [RecordedEvent] {
        // The first reads after position 2 find the rest "still in flight".
        if position >= 2, await reads.next() <= emptyReads { return [] }
        return try await base.readLog(after: position, limit: limit)
    }

    func headPosition() async throws -> Int64 {
        await base.headPosition()
    }
}

@Suite("Reading the log")
struct EventLogSequenceTests {
    @Test func waitsForHeldBackEventsInsteadOfEndingEarly() async throws {
        let store = HoldingBackStore(emptyReads: 3)
        for number in 1...5 {
            try await store.append(
                [NewEvent(eventType: "test.happened", data: Data("{}".utf8))],
                to: StreamName(entityType: "test", entityID: "\(number)"), expected: .noEvents)
        }
        var positions: [Int64] = []
        for try await event in store.readLog(after: 0, batchSize: 2) {
            positions.append(event.position)
        }
        #expect(positions == [1, 2, 3, 4, 5])
    }

    @Test func endsAtTheHeadObservedWhenItStarted() async throws {
        let store = InMemoryEventStore()
        let stream = StreamName(entityType: "test", entityID: "growing")
        try await store.append([NewEvent(eventType: "a", data: Data("{}".utf8))], to: stream, expected: .any)
        var seen = 0
        for try await _ in store.readLog(after: 0, batchSize: 1) {
            seen += 1
            if seen < 10 {
                try await store.append([NewEvent(eventType: "a", data: Data("{}".utf8))], to: stream, expected: .any)
            }
        }
        #expect(seen == 1, "events appended while reading do not keep the sequence going forever")
    }

    @Test func stopsWhenCancelledWhileWaiting() async throws {
        let store = HoldingBackStore(emptyReads: .max)
        for number in 1...3 {
            try await store.append(
                [NewEvent(eventType: "test.happened", data: Data("{}".utf8))],
                to: StreamName(entityType: "test", entityID: "\(number)"), expected: .noEvents)
        }
        let reader = Task {
            var count = 0
            for try await _ in store.readLog(after: 0, batchSize: 1) { count += 1 }
            return count
        }
        try await Task.sleep(for: .milliseconds(50))
        reader.cancel()
        await #expect(throws: CancellationError.self) { try await reader.value }
    }
}
