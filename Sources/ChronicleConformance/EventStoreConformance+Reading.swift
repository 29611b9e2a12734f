import Chronicle
import Foundation
import Testing

extension EventStoreConformance {
    /// An entity reads in version order, in batches, and up to a version.
    public func readsStreamUpToVersion(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await withStore { store in
            let stream = Self.stream("travel")
            let other = Self.stream("bystander")
            for number in 1...10 {
                try await store.append([try Self.noted("event \(number)", number)], to: stream, expected: .exactly(number - 1))
                try await store.append([try Self.noted("noise \(number)", number)], to: other, expected: .any)
            }
            #expect(try await store.readStream(stream).map(\.version) == Array(1...10), sourceLocation: sourceLocation)
            #expect(try await store.readStream(stream, through: 4).map(\.version) == [1, 2, 3, 4], sourceLocation: sourceLocation)
            #expect(try await store.readStream(stream, through: 0).isEmpty, sourceLocation: sourceLocation)
            #expect(try await store.readStream(stream, through: 15).count == 10, sourceLocation: sourceLocation)
            #expect(try await store.readStream(stream, after: 3, through: 7, limit: 2).map(\.version) == [4, 5], sourceLocation: sourceLocation)
            #expect(try await store.readStream(stream, after: 8, through: nil, limit: 5).map(\.version) == [9, 10], sourceLocation: sourceLocation)
            #expect(try await store.readStream(stream, after: 10, through: nil, limit: 5).isEmpty, sourceLocation: sourceLocation)
            for batchSize in [1, 3, 10, 11] {
                let events = try await store.readStream(stream, through: nil, batchSize: batchSize)
                #expect(events.map(\.version) == Array(1...10), "batches of \(batchSize)", sourceLocation: sourceLocation)
                #expect(try events.map { try $0.decode(as: Noted.self).number } == Array(1...10), sourceLocation: sourceLocation)
            }
            #expect(try await store.readStream(Self.stream("nobody")).isEmpty, sourceLocation: sourceLocation)
        }
    }

    /// The log holds every event once, in append order.
    public func ordersTheGlobalLog(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await withStore { store in
            var appended: [RecordedEvent] = []
            for (index, id) in ["a", "b", "a", "c", "b", "a"].enumerated() {
                let events = try (0...(index % 3)).map { try Self.noted("\(id) \(index) \($0)") }
                appended += try await store.append(events, to: Self.stream(id), expected: .any).events
            }
            let log = try await Self.collect(store.readLog())
            #expect(log == appended, "the log is the appends, in order", sourceLocation: sourceLocation)
            #expect(zip(log, log.dropFirst()).allSatisfy { $0.position < $1.position }, "positions increase", sourceLocation: sourceLocation)
            #expect(try await store.headPosition() == appended.last?.position, sourceLocation: sourceLocation)
        }
    }

    /// The log reads from any position.
    public func readsLogFromPosition(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await withStore { store in
            var appended: [RecordedEvent] = []
            for number in 1...6 {
                appended += try await store.append([try Self.noted("\(number)")], to: Self.stream("s\(number % 2)"), expected: .any).events
            }
            for (index, event) in appended.enumerated() {
                let rest = try await Self.collect(store.readLog(after: event.position))
                #expect(rest == Array(appended.dropFirst(index + 1)), "after position \(event.position)", sourceLocation: sourceLocation)
            }
            #expect(try await store.readLog(after: appended[1].position, limit: 2) == Array(appended[2...3]), sourceLocation: sourceLocation)
            #expect(try await store.readLog(after: appended[5].position, limit: 10).isEmpty, sourceLocation: sourceLocation)
            #expect(try await Self.collect(store.readLog(after: 0)) == appended, sourceLocation: sourceLocation)
        }
    }

    /// Batched reads neither skip nor repeat at batch boundaries.
    public func readsAcrossBatchBoundaries(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await withStore { store in
            var appended: [RecordedEvent] = []
            for number in 0..<4 {
                let events = try (0..<3).map { try Self.noted("\(number).\($0)") }
                appended += try await store.append(events, to: Self.stream("batch"), expected: .any).events
            }
            for batchSize in [1, 2, 3, 5, 11, 12, 13, 1_000] {
                let log = try await Self.collect(store.readLog(after: 0, batchSize: batchSize))
                #expect(log == appended, "batches of \(batchSize)", sourceLocation: sourceLocation)
            }
            var cursor: Int64 = 0
            var pages: [[RecordedEvent]] = []
            while true {
                let page = try await store.readLog(after: cursor, limit: 5)
                guard let last = page.last else { break }
                pages.append(page)
                cursor = last.position
            }
            #expect(pages.map(\.count) == [5, 5, 2], sourceLocation: sourceLocation)
            #expect(pages.flatMap { $0 } == appended, sourceLocation: sourceLocation)
        }
    }

    /// The head position follows appends.
    public func reportsHeadPosition(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await withStore { store in
            #expect(try await store.headPosition() == 0, "an empty store is at position 0", sourceLocation: sourceLocation)
            #expect(try await Self.collect(store.readLog()).isEmpty, sourceLocation: sourceLocation)
            let first = try await store.append([try Self.noted("a")], to: Self.stream("h"), expected: .noEvents)
            #expect(try await store.headPosition() == first.position, sourceLocation: sourceLocation)
            let second = try await store.append([try Self.noted("b"), try Self.noted("c")], to: Self.stream("i"), expected: .noEvents)
            #expect(try await store.headPosition() == second.position, sourceLocation: sourceLocation)
            #expect(second.positions.count == 2 && second.positions[0] < second.positions[1], sourceLocation: sourceLocation)
        }
    }

    /// An unregistered event type reads raw and fails to decode clearly.
    public func readsUnknownEventTypes(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await withStore { store in
            let stream = Self.stream("legacy")
            let result = try await store.append(
                [try Self.noted("known"), Self.raw(#"{"fax":"+1 555"}"#, type: "legacy.faxed")], to: stream, expected: .noEvents)
            let registry = EventTypeRegistry([Noted.self])
            let read = try await store.readStream(stream)
            #expect(read == result.events, "unknown types read like any other", sourceLocation: sourceLocation)
            #expect(try (registry.decode(read[0]) as? Noted)?.text == "known", sourceLocation: sourceLocation)
            let error = await expectFailure(.unknownEventType, sourceLocation: sourceLocation) {
                _ = try registry.decode(read[1])
            }
            #expect(error?.position == read[1].position && error?.eventID == read[1].id, sourceLocation: sourceLocation)
            #expect(error?.message.contains("legacy.faxed") == true, sourceLocation: sourceLocation)
            #expect(try Self.json(read[1].data) == ["fax": "+1 555"], "the raw event is still readable", sourceLocation: sourceLocation)
        }
    }

    /// Registered types decode; wrong schema versions and data fail clearly.
    public func decodesRegisteredEvents(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await withStore { store in
            let stream = Self.stream("typed")
            try await store.append(
                [
                    try Self.noted("plain", 7), try NewEvent(Revised(text: "second shape")),
                    Self.raw(#"{"text":"first shape"}"#, type: Revised.eventType, schemaVersion: 1),
                    Self.raw(#"{"text":5,"number":"five"}"#, type: Noted.eventType),
                ], to: stream, expected: .noEvents)
            let registry = EventTypeRegistry([Noted.self, Revised.self])
            let read = try await store.readStream(stream)
            #expect(try registry.decode(read[0]) as? Noted == Noted(text: "plain", number: 7), sourceLocation: sourceLocation)
            #expect(read[1].schemaVersion == 2, sourceLocation: sourceLocation)
            #expect(try registry.decode(read[1]) as? Revised == Revised(text: "second shape"), sourceLocation: sourceLocation)
            let old = await expectFailure(.schemaVersionMismatch, sourceLocation: sourceLocation) { _ = try registry.decode(read[2]) }
            #expect(old?.position == read[2].position, sourceLocation: sourceLocation)
            let wrong = await expectFailure(.undecodableEvent, sourceLocation: sourceLocation) { _ = try registry.decode(read[3]) }
            #expect(wrong?.underlying is DecodingError, sourceLocation: sourceLocation)
        }
    }
}
