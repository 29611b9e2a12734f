public import Chronicle
public import Foundation

/// A meeting: scheduled by its organizer, answered by its invitees, then moved, cancelled or
/// finished. Its state is folded from its events; the commands in this module decide its events.
public struct Meeting: Aggregate {
    /// The entity type its streams are stored under.
    public static let entityType = "meeting"

    /// Where a meeting is in its life.
    public enum Status: String, Sendable, Codable {
        /// Not scheduled yet: the entity has no events.
        case new
        /// Scheduled: invitees can answer, the organizer can move, cancel or finish it.
        case scheduled
        /// Called off by the organizer; nothing changes it any more.
        case cancelled
        /// Held and closed by the organizer; nothing changes it any more.
        case finished
    }

    /// An invitee's answer.
    public enum Response: String, Sendable, Codable {
        /// Not answered yet.
        case pending
        /// Coming.
        case accepted
        /// Not coming.
        case declined
    }

    /// Where the meeting is in its life.
    public var status = Status.new
    /// What the meeting is about.
    public var title = ""
    /// When it starts.
    public var startsAt = Date(timeIntervalSince1970: 0)
    /// How long it lasts, in minutes.
    public var durationMinutes = 0
    /// The user who scheduled it.
    public var organizerID = 0
    /// Each invitee's answer, by user id.
    public var responses: [Int: Response] = [:]

    /// Creates the state of a meeting without events.
    public init() {}

    /// The invited users.
    public var invitees: Set<Int> { Set(responses.keys) }
    /// The invitees who accepted.
    public var attendees: Set<Int> { Set(responses.filter { $0.value == .accepted }.keys) }

    /// Whether a user organizes the meeting or is invited to it.
    public func involves(_ userID: Int) -> Bool {
        organizerID == userID || responses[userID] != nil
    }

    /// How each event changes the state.
    public static let handlers = EventHandlers<Meeting> {
        On(MeetingScheduled.self) { event, meeting in
            meeting.status = .scheduled
            meeting.title = event.title
            meeting.startsAt = event.startsAt
            meeting.durationMinutes = event.durationMinutes
            meeting.organizerID = event.organizerID
            meeting.responses = Dictionary(uniqueKeysWithValues: event.inviteeIDs.map { ($0, .pending) })
        }
        On(InvitationAccepted.self) { event, meeting in meeting.responses[event.userID] = .accepted }
        On(InvitationDeclined.self) { event, meeting in meeting.responses[event.userID] = .declined }
        On(MeetingRescheduled.self) { event, meeting in meeting.startsAt = event.startsAt }
        On(MeetingCancelled.self) { _, meeting in meeting.status = .cancelled }
        On(MeetingFinished.self) { _, meeting in meeting.status = .finished }
    }
}
