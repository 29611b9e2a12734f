public import Chronicle
public import Foundation

public struct ScheduleMeeting: Command {
    public typealias Target = Meeting
    public var title: String
    public var startsAt: Date
    public var durationMinutes: Int?
    public var organizerID: Int
    public var inviteeIDs: [Int]

    public init(title: String, startsAt: Date, durationMinutes: Int? = nil, organizerID: Int, inviteeIDs: [Int]) {
        self.title = title
        self.startsAt = startsAt
        self.durationMinutes = durationMinutes
        self.organizerID = organizerID
        self.inviteeIDs = inviteeIDs
    }

    public static let createsEntity = true

    public static let schema = Schema<ScheduleMeeting> {
        Field(\.title, "title") { NotBlank(); Length(max: 200) }
        Field(\.startsAt, "starts_at") { InFuture(atLeast: .minutes(5)) }
        Field(\.durationMinutes, "duration_minutes") { Between(5...480) }
        Field(\.inviteeIDs, "invitee_ids") { NotEmpty(); Unique(); Each { Positive() } }
        Rule("invitee_ids", code: "organizer_invited", message: "must not include the organizer") {
            !$0.inviteeIDs.contains($0.organizerID)
        }
    }

    public func decide(_ meeting: Meeting, context: CommandContext) throws -> [any Event] {
        guard meeting.status == .new else { throw MeetingError.alreadyScheduled }
        return [
            MeetingScheduled(
                title: title, startsAt: startsAt, durationMinutes: durationMinutes ?? 30, organizerID: organizerID,
                inviteeIDs: inviteeIDs)
        ]
    }
}

public struct AcceptInvitation: Command {
    public typealias Target = Meeting
    public var userID: Int

    public init(userID: Int) {
        self.userID = userID
    }

    public static let schema = Schema<AcceptInvitation> { Field(\.userID, "user_id") { Positive() } }

    public func decide(_ meeting: Meeting, context: CommandContext) throws -> [any Event] {
        guard meeting.status == .scheduled else { throw MeetingError.notScheduled }
        guard meeting.invitees.contains(userID) else { throw MeetingError.notInvited }
        if meeting.attendees.contains(userID) { return [] }
        return [InvitationAccepted(userID: userID)]
    }
}

public struct CancelMeeting: Command {
    public typealias Target = Meeting
    public var userID: Int
    public var reason: String

    public init(userID: Int, reason: String) {
        self.userID = userID
        self.reason = reason
    }

    public static let schema = Schema<CancelMeeting> { Field(\.reason, "reason") { NotBlank(); Length(max: 500) } }

    public func decide(_ meeting: Meeting, context: CommandContext) throws -> [any Event] {
        guard meeting.status == .scheduled else { throw MeetingError.notScheduled }
        guard meeting.organizerID == userID else { throw MeetingError.notOrganizer }
        return [MeetingCancelled(reason: reason)]
    }
}
