// Chronicle in one file: define events, append them to an entity on SQLite, lose a race on
// purpose, and read the history back as typed events.
//
//     swift run quickstart
//
// The store is `chronicle.sqlite` in the working directory; every run adds a new meeting.
import Chronicle
import ChronicleSQLite
import Foundation

struct MeetingScheduled: Event {
    static let eventType = "meeting.scheduled"
    var title: String
    var startsAt: Date
}

struct InvitationAccepted: Event {
    static let eventType = "invitation.accepted"
    var userID: Int
}

enum Meeting: EventSourcedEntity {
    static let entityType = "meeting"
}

let store = try await SQLiteEventStore(path: "chronicle.sqlite")
let meeting = StreamName(EntityID<Meeting>.random())

let scheduled = try await store.append(
    [MeetingScheduled(title: "Retrospective", startsAt: Date().addingTimeInterval(3_600))],
    to: meeting, expected: .noEvents, metadata: EventMetadata(actor: "user-1"))
print("Scheduled \(meeting) at version \(scheduled.version), position \(scheduled.position).")

try await store.append([InvitationAccepted(userID: 2)], to: meeting, expected: .exactly(scheduled.version))

// A second writer that loaded the same version loses: nothing it wrote is stored.
do {
    try await store.append([InvitationAccepted(userID: 3)], to: meeting, expected: .exactly(scheduled.version))
} catch let conflict as EventStoreError where conflict.code == .wrongExpectedVersion {
    print("Refused: \(conflict.message)")
}

let registry = EventTypeRegistry([MeetingScheduled.self, InvitationAccepted.self])
for recorded in try await store.readStream(meeting) {
    switch try registry.decode(recorded) {
    case let event as MeetingScheduled:
        print("  v\(recorded.version) \(recorded.eventType): \"\(event.title)\" by \(recorded.metadata.actor ?? "nobody")")
    case let event as InvitationAccepted:
        print("  v\(recorded.version) \(recorded.eventType): user \(event.userID)")
    default:
        break
    }
}
print("The log holds \(try await store.headPosition()) events.")
try await store.close()
