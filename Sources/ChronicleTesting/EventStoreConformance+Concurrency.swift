import Chronicle
import Foundation
public import Testing

extension EventStoreConformance {
    /// 50 concurrent writers on one entity: one winner per version, no gaps.
    public func admitsOneWinnerPerVersion(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let writers = 50
        try await withStore { store in
            let stream = Self.stream("contended")

            // Everyone creates the entity at once: one succeeds.
            let creations = try await withThrowingTaskGroup(of: Result<AppendResult, EventStoreError>.self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        do {
                            return .success(try await store.append([try Self.noted("create \(writer)")], to: stream, expected: .noEvents))
                        } catch let error as EventStoreError {
                            return .failure(error)
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let created = creations.compactMap { try? $0.get() }
            #expect(created.count == 1, "exactly one writer creates the entity", sourceLocation: sourceLocation)
            for case .failure(let error) in creations {
                #expect(error.code == .wrongExpectedVersion && error.actualVersion == 1, "\(error)", sourceLocation: sourceLocation)
            }

            // Everyone appends one event with the optimistic retry loop: each version has one winner.
            let wins = try await withThrowingTaskGroup(of: (UUID, Int, Int).self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        let event = try Self.noted("writer \(writer)", writer)
                        var expected = 1
                        var conflicts = 0
                        while true {
                            do {
                                let result = try await store.append([event], to: stream, expected: .exactly(expected))
                                return (event.id, result.version, conflicts)
                            } catch let error as EventStoreError where error.code == .wrongExpectedVersion {
                                let actual = try #require(error.actualVersion, sourceLocation: sourceLocation)
                                #expect(actual > expected, "a conflict reports a newer version", sourceLocation: sourceLocation)
                                expected = actual
                                conflicts += 1
                            }
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(wins.map(\.1)) == Set(2...(writers + 1)), "one winner per version, no gaps", sourceLocation: sourceLocation)
            let events = try await store.readStream(stream)
            #expect(events.map(\.version) == Array(1...(writers + 1)), sourceLocation: sourceLocation)
            #expect(Set(events.map(\.id)).count == events.count, "no duplicates", sourceLocation: sourceLocation)
            for (id, version, _) in wins {
                #expect(events[version - 1].id == id, "version \(version) holds its winner's event", sourceLocation: sourceLocation)
            }
            let log = try await Self.collect(store.readLog())
            #expect(log == events, "the log agrees with the entity", sourceLocation: sourceLocation)
        }
    }

    /// 50 concurrent `.any` appends on one entity all land, in order.
    public func ordersConcurrentAppendsAtAnyVersion(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let writers = 50
        try await withStore { store in
            let stream = Self.stream("busy")
            let results = try await withThrowingTaskGroup(of: AppendResult.self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        try await store.append(
                            [try Self.noted("\(writer) first"), try Self.noted("\(writer) second")], to: stream, expected: .any)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.count == writers, sourceLocation: sourceLocation)
            for result in results {
                #expect(result.events.map(\.version) == [result.version - 1, result.version], "an append's events are consecutive", sourceLocation: sourceLocation)
            }
            let events = try await store.readStream(stream)
            #expect(events.map(\.version) == Array(1...(2 * writers)), sourceLocation: sourceLocation)
            #expect(Set(events.map(\.id)) == Set(results.flatMap { $0.events.map(\.id) }), sourceLocation: sourceLocation)
            #expect(zip(events, events.dropFirst()).allSatisfy { $0.position < $1.position }, "version order is position order", sourceLocation: sourceLocation)
        }
    }

    /// Many entities appended in parallel keep their own versions.
    public func appendsToManyEntitiesInParallel(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let entities = 20
        let appendsPerEntity = 10
        try await withStore { store in
            let appended = try await withThrowingTaskGroup(of: [RecordedEvent].self) { group in
                for entity in 0..<entities {
                    group.addTask {
                        var events: [RecordedEvent] = []
                        for number in 0..<appendsPerEntity {
                            let result = try await store.append(
                                [try Self.noted("\(entity).\(number)", number)], to: Self.stream("parallel-\(entity)"),
                                expected: .exactly(number))
                            events += result.events
                        }
                        return events
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            for entity in 0..<entities {
                let events = try await store.readStream(Self.stream("parallel-\(entity)"))
                #expect(events.map(\.version) == Array(1...appendsPerEntity), "entity \(entity)", sourceLocation: sourceLocation)
                #expect(try events.map { try $0.decode(as: Noted.self).number } == Array(0..<appendsPerEntity), sourceLocation: sourceLocation)
            }
            let log = try await Self.collect(store.readLog(after: 0, batchSize: 7))
            #expect(log.count == entities * appendsPerEntity, sourceLocation: sourceLocation)
            #expect(Set(log) == Set(appended), "the log holds every appended event once", sourceLocation: sourceLocation)
            #expect(zip(log, log.dropFirst()).allSatisfy { $0.position < $1.position }, sourceLocation: sourceLocation)
        }
    }
}
