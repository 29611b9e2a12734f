public import Chronicle
public import Foundation

/// An organizer scheduled a meeting and invited users to it.
public struct MeetingScheduled: Event, Equatable {
    /// The event's name in the store.
    public static let eventType = "meeting.scheduled"
    /// Stored in snake_case, like the rest of the API.
    public static let storedKeys = EventKeyStyle.snakeCase
    /// The title is the organizer's personal data: encrypted with the organizer's key, and
    /// "(forgotten)" once the organizer is forgotten.
    public static let personalFields = [PersonalField("title", of: .field("organizer_id"), forgotten: "(forgotten)")]
    /// What the meeting is about.
    public var title: String
    /// When it starts.
    public var startsAt: Date
    /// How long it lasts, in minutes.
    public var durationMinutes: Int
    /// The user who scheduled it.
    public var organizerID: Int
    /// The invited users, in the order the organizer named them.
    public var inviteeIDs: [Int]

    /// Creates the event.
    public init(title: String, startsAt: Date, durationMinutes: Int = 30, organizerID: Int, inviteeIDs: [Int]) {
        self.title = title
        self.startsAt = startsAt
        self.durationMinutes = durationMinutes
        self.organizerID = organizerID
        self.inviteeIDs = inviteeIDs
    }
}

/// An invitee said they will come.
public struct InvitationAccepted: Event, Equatable {
    /// The event's name in the store.
    public static let eventType = "meeting.invitation_accepted"
    /// Stored in snake_case, like the rest of the API.
    public static let storedKeys = EventKeyStyle.snakeCase
    /// The invitee.
    public var userID: Int

    /// Creates the event.
    public init(userID: Int) {
        self.userID = userID
    }
}

/// An invitee said they will not come.
public struct InvitationDeclined: Event, Equatable {
    /// The event's name in the store.
    public static let eventType = "meeting.invitation_declined"
    /// Stored in snake_case, like the rest of the API.
    public static let storedKeys = EventKeyStyle.snakeCase
    /// The invitee.
    public var userID: Int

    /// Creates the event.
    public init(userID: Int) {
        self.userID = userID
    }
}

/// The organizer moved the meeting to another time.
public struct MeetingRescheduled: Event, Equatable {
    /// The event's name in the store.
    public static let eventType = "meeting.rescheduled"
    /// Stored in snake_case, like the rest of the API.
    public static let storedKeys = EventKeyStyle.snakeCase
    /// The new start.
    public var startsAt: Date
    /// The start it had before.
    public var previousStartsAt: Date

    /// Creates the event.
    public init(startsAt: Date, previousStartsAt: Date) {
        self.startsAt = startsAt
        self.previousStartsAt = previousStartsAt
    }
}

/// The organizer called the meeting off.
public struct MeetingCancelled: Event, Equatable {
    /// The event's name in the store.
    public static let eventType = "meeting.cancelled"
    /// Stored in snake_case, like the rest of the API.
    public static let storedKeys = EventKeyStyle.snakeCase
    /// The reason is the personal data of whoever cancelled: encrypted with their key, and
    /// "(forgotten)" once they are forgotten.
    public static let personalFields = [PersonalField("reason", of: .field("cancelled_by"), forgotten: "(forgotten)")]
    /// Why, when the organizer said.
    public var reason: String?
    /// Who cancelled: the organizer. Absent from events stored before it was recorded.
    public var cancelledBy: Int?

    /// Creates the event.
    public init(reason: String?, cancelledBy: Int? = nil) {
        self.reason = reason
        self.cancelledBy = cancelledBy
    }
}

/// The organizer closed the meeting after it started.
public struct MeetingFinished: Event, Equatable {
    /// The event's name in the store.
    public static let eventType = "meeting.finished"
    /// Stored in snake_case, like the rest of the API.
    public static let storedKeys = EventKeyStyle.snakeCase

    /// Creates the event.
    public init() {}
}
