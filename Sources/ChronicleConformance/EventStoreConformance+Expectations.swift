import Chronicle
import Testing

extension EventStoreConformance {
    /// Runs `body`, expecting an ``EventStoreError`` with the given code.
    @discardableResult
    func expectFailure(
        _ code: EventStoreError.Code,
        _ comment: String = "",
        sourceLocation: SourceLocation,
        _ body: () async throws -> Void
    ) async -> EventStoreError? {
        do {
            try await body()
            Issue.record("Expected an EventStoreError with code \(code), but nothing was thrown. \(comment)", sourceLocation: sourceLocation)
            return nil
        } catch let error as EventStoreError {
            #expect(error.code == code, "Expected \(code), got: \(error). \(comment)", sourceLocation: sourceLocation)
            return error
        } catch {
            Issue.record("Expected an EventStoreError with code \(code), got: \(String(reflecting: error)). \(comment)", sourceLocation: sourceLocation)
            return nil
        }
    }

    /// Everything a reader can observe of a store: to compare before and after a refused write.
    struct Contents: Equatable {
        var head: Int64
        var log: [RecordedEvent]
        var streams: [StreamName: [RecordedEvent]]

        init(of store: any EventStore, streams: [StreamName]) async throws {
            head = try await store.headPosition()
            log = try await EventStoreConformance.collect(store.readLog())
            var contents: [StreamName: [RecordedEvent]] = [:]
            for stream in streams {
                contents[stream] = try await store.readStream(stream)
            }
            self.streams = contents
        }
    }

    /// Runs a write that must be refused with `code` and must leave the store as it was.
    @discardableResult
    func expectRefused(
        _ code: EventStoreError.Code,
        by store: any EventStore,
        touching streams: [StreamName],
        _ comment: String,
        sourceLocation: SourceLocation,
        _ write: () async throws -> Void
    ) async throws -> EventStoreError? {
        let before = try await Contents(of: store, streams: streams)
        let error = await expectFailure(code, comment, sourceLocation: sourceLocation, write)
        let after = try await Contents(of: store, streams: streams)
        #expect(after == before, "\(comment): the refused write changed the store", sourceLocation: sourceLocation)
        return error
    }

    static func collect(_ sequence: EventLogSequence) async throws -> [RecordedEvent] {
        var events: [RecordedEvent] = []
        for try await event in sequence {
            events.append(event)
        }
        return events
    }
}
