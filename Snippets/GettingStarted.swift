import Chronicle
import ChronicleSQLite
import Foundation

// snippet.event
struct MeetingScheduled: Event {
    static let eventType = "meeting.scheduled"
    var title: String
    var startsAt: Date
}
// snippet.end

// snippet.append
let store = try await SQLiteEventStore(path: "chronicle.sqlite")   // created and migrated
let meeting = StreamName(entityType: "meeting", entityID: UUID().uuidString)

let result = try await store.append(
    [MeetingScheduled(title: "Retro", startsAt: Date().addingTimeInterval(3_600))],
    to: meeting, expected: .noEvents, metadata: EventMetadata(actor: "user-7"))
print("version \(result.version) at position \(result.position)")

for event in try await store.readStream(meeting) {
    let scheduled = try event.decode(as: MeetingScheduled.self)
    print(event.version, event.eventType, scheduled.title, event.metadata.actor ?? "")
}
try await store.close()
// snippet.end
