public import Chronicle
public import Foundation

/// A meeting, as the scenarios of the test suites know it: scheduled by an organizer,
/// accepted by invitees, cancelled by the organizer.
public struct Meeting: Aggregate {
    public static let entityType = "meeting"

    public enum Status: Sendable {
        case new, scheduled, cancelled
    }

    public var status = Status.new
    public var organizerID = 0
    public var invitees: Set<Int> = []
    public var attendees: Set<Int> = []

    public init() {}

    public static let handlers = EventHandlers<Meeting> {
        On(MeetingScheduled.self) { meeting, event in
            meeting.status = .scheduled
            meeting.organizerID = event.organizerID
            meeting.invitees = Set(event.inviteeIDs)
        }
        On(InvitationAccepted.self) { meeting, event in meeting.attendees.insert(event.userID) }
        On(MeetingCancelled.self) { meeting, _ in meeting.status = .cancelled }
    }
}

public struct MeetingScheduled: Event, Equatable {
    public static let eventType = "meeting.scheduled"
    public var title: String
    public var startsAt: Date
    public var durationMinutes: Int
    public var organizerID: Int
    public var inviteeIDs: [Int]

    public init(title: String, startsAt: Date, durationMinutes: Int = 30, organizerID: Int, inviteeIDs: [Int]) {
        self.title = title
        self.startsAt = startsAt
        self.durationMinutes = durationMinutes
        self.organizerID = organizerID
        self.inviteeIDs = inviteeIDs
    }
}

public struct InvitationAccepted: Event, Equatable {
    public static let eventType = "meeting.invitation_accepted"
    public var userID: Int

    public init(userID: Int) {
        self.userID = userID
    }
}

public struct MeetingCancelled: Event, Equatable {
    public static let eventType = "meeting.cancelled"
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }
}

/// The rules a meeting's state enforces.
public enum MeetingError: String, DomainError, Equatable {
    case alreadyScheduled = "already_scheduled"
    case notScheduled = "meeting_not_scheduled"
    case notInvited = "not_invited"
    case notOrganizer = "not_organizer"

    public var code: String { rawValue }

    public var message: String {
        switch self {
        case .alreadyScheduled: "The meeting is already scheduled."
        case .notScheduled: "Only a scheduled meeting can change."
        case .notInvited: "Only an invitee can accept."
        case .notOrganizer: "Only the organizer can cancel."
        }
    }
}
