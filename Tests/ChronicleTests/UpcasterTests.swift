import Chronicle
import Foundation
import Testing

/// Checking a set of upcasters when it is made, and applying it.
@Suite struct UpcasterTests {
    struct NoteAdded: Event {
        static let eventType = "note.added"
        static let schemaVersion = 3
        var body: String
    }

    struct Renamed: Event {
        static let eventType = "meeting.scheduled"
        var time: String
    }

    @Test func refusesAChainWithAMissingStep() throws {
        let error = #expect(throws: EventStoreError.self) {
            try Upcasters([Upcaster("note.added", from: 2) { _ in }], current: [NoteAdded.self])
        }
        #expect(error?.code == .missingUpcaster)
        #expect(error?.message.contains("No upcaster reads note.added version 1") == true, "\(String(describing: error))")
    }

    @Test func refusesARenameThatLeadsNowhere() throws {
        let error = #expect(throws: EventStoreError.self) {
            try Upcasters([Upcaster.rename("meeting.planned", from: 1, to: "meeting.scheduled", version: 2)], current: [Renamed.self])
        }
        #expect(error?.code == .missingUpcaster)
        #expect(error?.message.contains("No upcaster reads meeting.scheduled version 2") == true, "\(String(describing: error))")
    }

    @Test func refusesTwoStepsFromOneVersion() throws {
        let error = #expect(throws: EventStoreError.self) {
            try Upcasters(
                [Upcaster("note.added", from: 1) { _ in }, Upcaster("note.added", from: 1) { _ in }, Upcaster("note.added", from: 2) { _ in }],
                current: [NoteAdded.self])
        }
        #expect(error?.code == .invalidInput)
    }

    @Test func acceptsCompleteChains() throws {
        let upcasters = try Upcasters(
            [
                Upcaster("note.added", from: 1) { data in data["body"] = data.removeValue(forKey: "text") },
                Upcaster("note.added", from: 2) { data in data["body"] = .string("v3: \(data["body"].map { "\($0)" } ?? "")") },
            ],
            current: [NoteAdded.self])
        let stored = RecordedEvent(
            position: 7, id: UUID(), stream: StreamName(entityType: "notebook", entityID: "1"), version: 3, eventType: "note.added",
            schemaVersion: 1, metadata: EventMetadata(actor: "ada"), data: Data(#"{"text":"hi"}"#.utf8))
        let read = try upcasters.upcast([stored])
        #expect(read.count == 1)
        #expect(read[0].schemaVersion == 3 && read[0].position == 7 && read[0].version == 3 && read[0].id == stored.id)
        #expect(read[0].metadata == stored.metadata)
        #expect(String(decoding: read[0].data, as: UTF8.self).contains("v3: "))
    }

    @Test func leavesCurrentAndUnknownEventsUntouched() throws {
        let upcasters = try Upcasters([Upcaster("note.added", from: 1) { _ in }, Upcaster("note.added", from: 2) { _ in }], current: [NoteAdded.self])
        let events = [("note.added", 3), ("other.thing", 1)].enumerated().map { index, event in
            RecordedEvent(
                position: Int64(index + 1), id: UUID(), stream: StreamName(entityType: "x", entityID: "1"), version: index + 1,
                eventType: event.0, schemaVersion: event.1, metadata: EventMetadata(), data: Data(#"{ "kept" : "as stored" }"#.utf8))
        }
        #expect(try upcasters.upcast(events) == events)
    }

    @Test func refusesDataThatIsNotAnObject() throws {
        let upcasters = try Upcasters([Upcaster("note.added", from: 1) { _ in }, Upcaster("note.added", from: 2) { _ in }], current: [NoteAdded.self])
        let event = RecordedEvent(
            position: 1, id: UUID(), stream: StreamName(entityType: "x", entityID: "1"), version: 1, eventType: "note.added",
            schemaVersion: 1, metadata: EventMetadata(), data: Data("[1]".utf8))
        let error = #expect(throws: EventStoreError.self) { try upcasters.upcast([event]) }
        #expect(error?.code == .undecodableEvent)
    }
}
