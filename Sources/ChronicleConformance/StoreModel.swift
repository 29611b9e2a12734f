import Chronicle
import Foundation

/// What a store must hold after a run of operations: a few arrays and dictionaries, simple
/// enough to be obviously right, that every store is compared with.
struct StoreModel: Sendable {
    /// The events of each entity, by entity id, with the type they were stored under.
    var entities: [String: (type: String, events: [RecordedEvent])] = [:]
    /// The log in the order the store gave it.
    var log: [RecordedEvent] = []
    /// The newest snapshot of each entity id, whatever type it was saved under.
    var snapshots: [String: Snapshot] = [:]
    /// Ids handed out so far.
    var idsIssued = 0

    /// The position of the newest event, 0 before the first.
    var head: Int64 { log.last?.position ?? 0 }

    /// An entity's version: how many events it has.
    func version(of stream: StreamName) -> Int {
        entities[stream.entityID].map { $0.type == stream.entityType ? $0.events.count : 0 } ?? 0
    }

    /// A new id, the same for the same run on every store.
    mutating func newID() -> UUID {
        idsIssued += 1
        return UUID(uuidString: String(format: "00000000-0000-4000-8000-%012x", idsIssued))!
    }

    /// The events an append plan stands for, with the version it expects.
    mutating func events(for plan: AppendPlan) -> (events: [NewEvent], expected: ExpectedVersion) {
        let stream = StoreOperation.entities[plan.entity]
        var ids: [UUID] = []
        let events = plan.events.map { event -> NewEvent in
            let id =
                switch event.id {
                case .fresh: newID()
                case .stored(let index): log.isEmpty ? newID() : log[index % log.count].id
                case .previous: ids.last ?? newID()
                }
            ids.append(id)
            return NewEvent(id: id, eventType: "model.noted", data: Data(event.text.json.utf8))
        }
        let current = version(of: stream)
        let expected: ExpectedVersion =
            switch plan.expected {
            case .any: .any
            case .noEvents: .noEvents
            case .current(let offset): .exactly(current + offset)
            }
        return (events, expected)
    }

    /// How the store must answer an append: the error code, or `nil` for success.
    func outcome(of events: [NewEvent], to stream: StreamName, expected: ExpectedVersion) -> EventStoreError.Code? {
        let unstorable = events.contains { event in
            let text = String(decoding: event.data, as: UTF8.self)
            return text.contains(#"\u0000"#) || text.contains(#"\ud800"#)
        }
        if unstorable || Set(events.map(\.id)).count < events.count {
            return .invalidInput
        }
        if case .exactly(let version) = expected, version < 0 {
            return .invalidInput
        }
        if let stored = entities[stream.entityID], stored.type != stream.entityType {
            return .entityTypeMismatch
        }
        if !expected.isSatisfied(byCurrentVersion: version(of: stream)) {
            return .wrongExpectedVersion
        }
        let storedIDs = Set(log.map(\.id))
        if events.contains(where: { storedIDs.contains($0.id) }) {
            return .duplicateEventID
        }
        return nil
    }

    /// Records an append's events, once checked, under their entity (not yet in the log).
    mutating func record(_ result: AppendResult) {
        guard let stream = result.events.first?.stream else { return }
        entities[stream.entityID, default: (stream.entityType, [])].events += result.events
    }

    /// The snapshot a store finds for an entity: the one kept for its id, if saved under its type.
    func snapshot(of stream: StreamName) -> Snapshot? {
        snapshots[stream.entityID].flatMap { $0.stream == stream ? $0 : nil }
    }

    /// Keeps a snapshot unless one of the same schema with a higher version is kept; the error
    /// code of one the store must refuse.
    mutating func save(_ snapshot: Snapshot) -> EventStoreError.Code? {
        if snapshot.version < 1 {
            return .invalidInput
        }
        if let kept = snapshots[snapshot.stream.entityID], kept.schema == snapshot.schema, kept.version > snapshot.version {
            return nil
        }
        snapshots[snapshot.stream.entityID] = snapshot
        return nil
    }
}
