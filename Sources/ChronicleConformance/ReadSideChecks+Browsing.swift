import Chronicle
import ChronicleSQL
import Foundation
import Testing

extension ReadSideChecks {
    /// The event browser's queries: the log newest first, filtered and paged; one event by id;
    /// the events of a correlation id; an entity's events by its id alone.
    func findsStoredEventsByWhatOperatorsLookFor() async throws {
        let started = Date()
        func event(_ type: String, _ correlation: String) -> NewEvent {
            NewEvent(eventType: type, data: Data(#"{"n":1}"#.utf8), metadata: EventMetadata(actor: "tester", correlationID: correlation))
        }
        let a = StreamName(entityType: "account", entityID: "a")
        let b = StreamName(entityType: "ledger", entityID: "b")
        try await database.append([event("opened", "c1"), event("moved", "c1")], to: a, expected: .noEvents)
        try await database.append([event("moved", "c2")], to: b, expected: .noEvents)
        try await database.append([event("moved", "c1"), event("closed", "c3")], to: a, expected: .any)
        let all = try await database.readCommittedLog(after: 0, limit: 100)
        let positions = all.map(\.position)
        #expect(positions.count == 5, sourceLocation: sourceLocation)

        func found(_ query: EventLogQuery) async throws -> [Int64] {
            try await database.storedEvents(matching: query).map(\.position)
        }
        #expect(try await found(EventLogQuery()) == positions.reversed(), "newest first", sourceLocation: sourceLocation)
        #expect(try await found(EventLogQuery(limit: 2)) == [positions[4], positions[3]], sourceLocation: sourceLocation)
        #expect(try await found(EventLogQuery(before: positions[3], limit: 2)) == [positions[2], positions[1]], "the next page", sourceLocation: sourceLocation)
        #expect(try await found(EventLogQuery(eventTypes: ["moved"])) == [positions[3], positions[2], positions[1]], sourceLocation: sourceLocation)
        #expect(try await found(EventLogQuery(eventTypes: ["opened", "closed"])) == [positions[4], positions[0]], sourceLocation: sourceLocation)
        #expect(try await found(EventLogQuery(entityTypes: ["ledger"])) == [positions[2]], sourceLocation: sourceLocation)
        #expect(try await found(EventLogQuery(eventTypes: ["moved"], entityTypes: ["account"])) == [positions[3], positions[1]], sourceLocation: sourceLocation)
        #expect(try await found(EventLogQuery(from: started.addingTimeInterval(-60), until: Date().addingTimeInterval(60))) == positions.reversed(), sourceLocation: sourceLocation)
        let range = (from: started.addingTimeInterval(-60), until: Date().addingTimeInterval(60))
        let newestTwo = try await database.storedEvents(matching: EventLogQuery(from: range.from, until: range.until, limit: 2))
        #expect(newestTwo.map(\.position) == [positions[4], positions[3]], "a time range, newest first", sourceLocation: sourceLocation)
        let nextTwo = try await found(
            EventLogQuery(from: range.from, until: range.until, before: positions[3], beforeTime: newestTwo.last?.createdAt, limit: 2))
        #expect(nextTwo == [positions[2], positions[1]], "the next page of a time range, by time and position", sourceLocation: sourceLocation)
        #expect(try await found(EventLogQuery(from: Date().addingTimeInterval(3_600))).isEmpty, "nothing recorded in the future", sourceLocation: sourceLocation)
        #expect(try await found(EventLogQuery(until: started.addingTimeInterval(-3_600))).isEmpty, "nothing recorded an hour ago", sourceLocation: sourceLocation)

        for stored in all {
            let byID = try await database.storedEvent(id: stored.id)
            #expect(byID == stored, "the event by its id, every column", sourceLocation: sourceLocation)
        }
        #expect(try await database.storedEvent(id: UUID()) == nil, sourceLocation: sourceLocation)
        let correlated = try await database.storedEvents(correlatedWith: "c1").map(\.position)
        #expect(correlated == [positions[0], positions[1], positions[3]], "a correlation's events in position order", sourceLocation: sourceLocation)
        #expect(try await database.storedEvents(correlatedWith: "none").isEmpty, sourceLocation: sourceLocation)
        let stream = try await database.storedEvents(ofEntity: "a", after: 1, limit: 2)
        #expect(stream.map(\.version) == [2, 3] && stream.map(\.position) == [positions[1], positions[3]], sourceLocation: sourceLocation)
    }
}
