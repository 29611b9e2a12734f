import Chronicle
import Foundation
import MeetingsDomain

/// A meeting as the API shows it, from the read tables or from its events at a version.
struct MeetingView: Codable, Sendable {
    var id: String
    var title: String
    var startsAt: String
    var durationMinutes: Int
    var organizerID: Int
    var status: String
    var attendeeCount: Int
    var invitations: [InvitationView]
    var version: Int
    var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id, title, status, invitations, version
        case startsAt = "starts_at", durationMinutes = "duration_minutes", organizerID = "organizer_id"
        case attendeeCount = "attendee_count", updatedAt = "updated_at"
    }

    /// Whether a user may see the meeting: its organizer and its invitees may.
    func isVisible(to userID: Int) -> Bool {
        organizerID == userID || invitations.contains { $0.userID == userID }
    }
}

extension MeetingView {
    /// The meeting as its events left it.
    init(id: String, state: Meeting, version: Int, updatedAt: Date) {
        self.id = id
        self.title = state.title
        self.startsAt = Timestamp.string(state.startsAt)
        self.durationMinutes = state.durationMinutes
        self.organizerID = state.organizerID
        self.status = state.status.rawValue
        self.attendeeCount = state.attendees.count
        self.invitations = state.responses.sorted { $0.key < $1.key }.map { InvitationView(userID: $0.key, response: $0.value.rawValue) }
        self.version = version
        self.updatedAt = Timestamp.string(updatedAt)
    }
}

/// One invitee's answer.
struct InvitationView: Codable, Sendable, Equatable {
    var userID: Int
    var response: String

    enum CodingKeys: String, CodingKey {
        case userID = "user_id", response
    }
}

/// One entry of an activity feed.
struct ActivityEntry: Codable, Sendable {
    var position: Int64
    var meetingID: String
    var title: String
    var actorID: Int
    var kind: String
    var summary: String
    var occurredAt: String

    enum CodingKeys: String, CodingKey {
        case position, title, kind, summary
        case meetingID = "meeting_id", actorID = "actor_id", occurredAt = "occurred_at"
    }
}
