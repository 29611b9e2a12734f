import Chronicle
import Foundation
import Testing

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

extension EventStoreConformance {
    /// What one of many concurrent appends asks for, and what it must get.
    private enum Attempt: CaseIterable {
        /// One event at the entity's version: written.
        case oneEvent
        /// Three events at the entity's version: written, consecutive.
        case threeEvents
        /// One version ahead of the entity: `wrongExpectedVersion`.
        case aheadOfTheEntity
        /// `.noEvents` on an entity that has events: `wrongExpectedVersion`.
        case noEventsOnAnExistingEntity
        /// The entity's id under another type: `entityTypeMismatch`.
        case anotherEntityType
        /// A stored event's id again: `duplicateEventID`.
        case storedEventID
        /// Two events to a new entity: written.
        case newEntity
    }

    /// What the concurrent append to entity `entity` asks for.
    private static func attempt(for entity: Int, firstWave: Int) -> Attempt {
        let attempts = entity < firstWave ? Attempt.allCases.filter { $0 != .storedEventID } : Attempt.allCases
        return attempts[entity % attempts.count]
    }

    /// The concurrent append to entity `entity`, and its outcome.
    private static func append(
        _ attempt: Attempt, to entity: Int, storedEvent taken: NewEvent, in store: any EventStore
    ) async throws -> Result<AppendResult, EventStoreError> {
        let stream = Self.stream("mixed-\(entity)")
        let version = entity % 3 + 1
        do {
            switch attempt {
            case .oneEvent:
                return .success(try await store.append([try Self.noted("one \(entity)")], to: stream, expected: .exactly(version)))
            case .threeEvents:
                let events = try (0..<3).map { try Self.noted("three \(entity).\($0)", $0) }
                return .success(try await store.append(events, to: stream, expected: .exactly(version)))
            case .aheadOfTheEntity:
                return .success(try await store.append([try Self.noted("ahead \(entity)")], to: stream, expected: .exactly(version + 1)))
            case .noEventsOnAnExistingEntity:
                return .success(try await store.append([try Self.noted("again \(entity)")], to: stream, expected: .noEvents))
            case .anotherEntityType:
                let other = Self.stream(stream.entityID, type: "other")
                return .success(try await store.append([try Self.noted("typed \(entity)")], to: other, expected: .any))
            case .storedEventID:
                var copy = try Self.noted("copy \(entity)")
                copy.id = taken.id
                return .success(try await store.append([copy], to: stream, expected: .exactly(version)))
            case .newEntity:
                let events = [try Self.noted("new \(entity).0"), try Self.noted("new \(entity).1", 1)]
                return .success(try await store.append(events, to: Self.stream("fresh-\(entity)"), expected: .noEvents))
            }
        } catch let error as EventStoreError {
            return .failure(error)
        }
    }

    /// Hundreds of appends at once, to many entities, many of them bound to fail: each gets the
    /// outcome it gets alone, failed ones write nothing, and the log holds exactly the written
    /// events. (Stores that commit concurrent appends together must keep them apart.)
    public func decidesEachOfManyConcurrentAppends(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let entities = 200
        let firstWave = 120
        let busyWriters = 40
        try await withStore { store in
            let taken = try Self.noted("taken")
            try await store.append([taken], to: Self.stream("owner"), expected: .noEvents)
            // Entity i starts with i % 3 + 1 events.
            for entity in 0..<entities {
                let events = try (0...(entity % 3)).map { try Self.noted("seed \(entity).\($0)", $0) }
                try await store.append(events, to: Self.stream("mixed-\(entity)"), expected: .noEvents)
            }
            let seeded = try await Self.collect(store.readLog())

            // Two waves: a stored event id may fail a whole group of appends (which are then
            // written one by one), so the first wave has none and the second has some.
            var outcomes: [Int: Result<AppendResult, EventStoreError>] = [:]
            for wave in [0..<firstWave, firstWave..<entities] {
                let waveOutcomes = try await withThrowingTaskGroup(of: (Int, Result<AppendResult, EventStoreError>).self) { group in
                    for entity in wave {
                        let attempt = Self.attempt(for: entity, firstWave: firstWave)
                        group.addTask { (entity, try await Self.append(attempt, to: entity, storedEvent: taken, in: store)) }
                    }
                    for writer in 0..<busyWriters where wave.lowerBound == 0 {
                        group.addTask {
                            let result = try await store.append([try Self.noted("busy \(writer)", writer)], to: Self.stream("busy"), expected: .any)
                            return (entities + writer, .success(result))
                        }
                    }
                    return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
                }
                outcomes.merge(waveOutcomes) { first, _ in first }
            }

            var written: [RecordedEvent] = []
            for entity in 0..<entities {
                let attempt = Self.attempt(for: entity, firstWave: firstWave)
                let version = entity % 3 + 1
                let outcome = try #require(outcomes[entity], sourceLocation: sourceLocation)
                switch (attempt, outcome) {
                case (.oneEvent, .success(let result)), (.threeEvents, .success(let result)), (.newEntity, .success(let result)):
                    let start = attempt == .newEntity ? 0 : version
                    let count = attempt == .threeEvents ? 3 : attempt == .newEntity ? 2 : 1
                    #expect(result.events.map(\.version) == Array((start + 1)...(start + count)), "entity \(entity)", sourceLocation: sourceLocation)
                    #expect(zip(result.events, result.events.dropFirst()).allSatisfy { $0.position < $1.position }, sourceLocation: sourceLocation)
                    written += result.events
                case (.aheadOfTheEntity, .failure(let error)), (.noEventsOnAnExistingEntity, .failure(let error)):
                    #expect(error.code == .wrongExpectedVersion && error.actualVersion == version, "entity \(entity): \(error)", sourceLocation: sourceLocation)
                case (.anotherEntityType, .failure(let error)):
                    #expect(error.code == .entityTypeMismatch, "entity \(entity): \(error)", sourceLocation: sourceLocation)
                case (.storedEventID, .failure(let error)):
                    #expect(error.code == .duplicateEventID && error.eventID == taken.id, "entity \(entity): \(error)", sourceLocation: sourceLocation)
                default:
                    Issue.record("entity \(entity), \(attempt): unexpected outcome \(outcome)", sourceLocation: sourceLocation)
                }
            }
            for writer in 0..<busyWriters {
                if case .success(let result) = outcomes[entities + writer] { written += result.events }
            }

            let busy = try await store.readStream(Self.stream("busy"))
            #expect(busy.map(\.version) == Array(1...busyWriters), "every append at any version lands once", sourceLocation: sourceLocation)
            let log = try await Self.collect(store.readLog(after: 0, batchSize: 50))
            #expect(zip(log, log.dropFirst()).allSatisfy { $0.position < $1.position }, sourceLocation: sourceLocation)
            #expect(log.count == seeded.count + written.count, "the log holds the seeded and the written events, nothing else", sourceLocation: sourceLocation)
            #expect(Set(log) == Set(seeded + written), sourceLocation: sourceLocation)
            for entity in 0..<entities {
                let stream = try await store.readStream(Self.stream("mixed-\(entity)"))
                #expect(stream.map(\.version) == Array(1...stream.count), "entity \(entity) has no gaps", sourceLocation: sourceLocation)
                #expect(zip(stream, stream.dropFirst()).allSatisfy { $0.position < $1.position }, "version order is position order", sourceLocation: sourceLocation)
            }
        }
    }
}
