public import Chronicle
public import Foundation

/// Schedules a new meeting: the organizer is the acting user.
public struct ScheduleMeeting: Command {
    /// The aggregate the command acts on.
    public typealias Target = Meeting
    /// What the meeting is about: 1–200 characters (Unicode scalars) on one line.
    public var title: String
    /// When it starts: at least 5 minutes from now.
    public var startsAt: Date
    /// How long it lasts: 5–480 minutes; 30 when not given.
    public var durationMinutes: Int?
    /// The acting user.
    public var organizerID: Int
    /// Whom to invite: 1–50 user ids, each positive, no repeats, not the organizer.
    public var inviteeIDs: [Int]

    /// Creates the command.
    public init(title: String, startsAt: Date, durationMinutes: Int? = nil, organizerID: Int, inviteeIDs: [Int]) {
        self.title = title
        self.startsAt = startsAt
        self.durationMinutes = durationMinutes
        self.organizerID = organizerID
        self.inviteeIDs = inviteeIDs
    }

    /// Scheduling starts a new meeting.
    public static let createsEntity = true

    /// The most invitees a meeting may have.
    public static let maximumInvitees = 50

    /// The field rules checked before `decide`.
    public static let schema = Schema<ScheduleMeeting> {
        Field(\.title, "title") { NotBlank(); Length(max: 200); SingleLine() }
        Field(\.startsAt, "starts_at") { InFuture(atLeast: .minutes(5)) }
        Field(\.durationMinutes, "duration_minutes") { Between(5...480) }
        Field(\.inviteeIDs, "invitee_ids") { NotEmpty(); Length(max: ScheduleMeeting.maximumInvitees); Unique(); Each { Positive() } }
        Rule("invitee_ids", code: "organizer_invited", message: "must not include the organizer") {
            !$0.inviteeIDs.contains($0.organizerID)
        }
    }

    /// The events the command produces on the meeting's current state, or the rule it breaks.
    public func decide(_ meeting: Meeting, context: CommandContext) throws -> [any Event] {
        guard meeting.status == .new else { throw MeetingError.alreadyScheduled }
        return [
            MeetingScheduled(
                title: title, startsAt: startsAt, durationMinutes: durationMinutes ?? 30, organizerID: organizerID,
                inviteeIDs: inviteeIDs)
        ]
    }
}

/// An invitee accepts; accepting again changes nothing.
public struct AcceptInvitation: Command {
    /// The aggregate the command acts on.
    public typealias Target = Meeting
    /// The acting user.
    public var userID: Int

    /// Creates the command.
    public init(userID: Int) {
        self.userID = userID
    }

    /// The field rules checked before `decide`.
    public static let schema = Schema<AcceptInvitation> { Field(\.userID, "user_id") { Positive() } }

    /// The events the command produces on the meeting's current state, or the rule it breaks.
    public func decide(_ meeting: Meeting, context: CommandContext) throws -> [any Event] {
        try meeting.answer(of: userID) == .accepted ? [] : [InvitationAccepted(userID: userID)]
    }
}

/// An invitee declines; declining again changes nothing.
public struct DeclineInvitation: Command {
    /// The aggregate the command acts on.
    public typealias Target = Meeting
    /// The acting user.
    public var userID: Int

    /// Creates the command.
    public init(userID: Int) {
        self.userID = userID
    }

    /// The field rules checked before `decide`.
    public static let schema = Schema<DeclineInvitation> { Field(\.userID, "user_id") { Positive() } }

    /// The events the command produces on the meeting's current state, or the rule it breaks.
    public func decide(_ meeting: Meeting, context: CommandContext) throws -> [any Event] {
        try meeting.answer(of: userID) == .declined ? [] : [InvitationDeclined(userID: userID)]
    }
}

/// The organizer moves the meeting to another time, at least 5 minutes from now.
public struct RescheduleMeeting: Command {
    /// The aggregate the command acts on.
    public typealias Target = Meeting
    /// The acting user.
    public var userID: Int
    /// The new start.
    public var startsAt: Date

    /// Creates the command.
    public init(userID: Int, startsAt: Date) {
        self.userID = userID
        self.startsAt = startsAt
    }

    /// The field rules checked before `decide`.
    public static let schema = Schema<RescheduleMeeting> { Field(\.startsAt, "starts_at") { InFuture(atLeast: .minutes(5)) } }

    /// The events the command produces on the meeting's current state, or the rule it breaks.
    public func decide(_ meeting: Meeting, context: CommandContext) throws -> [any Event] {
        try meeting.checkOrganizerMayChange(userID)
        guard startsAt != meeting.startsAt else { throw MeetingError.sameStartTime }
        return [MeetingRescheduled(startsAt: startsAt, previousStartsAt: meeting.startsAt)]
    }
}

/// The organizer calls the meeting off.
public struct CancelMeeting: Command {
    /// The aggregate the command acts on.
    public typealias Target = Meeting
    /// The acting user.
    public var userID: Int
    /// Why, optionally: up to 500 characters (Unicode scalars), not blank, lines of plain text.
    public var reason: String?

    /// Creates the command.
    public init(userID: Int, reason: String? = nil) {
        self.userID = userID
        self.reason = reason
    }

    /// The field rules checked before `decide`.
    public static let schema = Schema<CancelMeeting> { Field(\.reason, "reason") { NotBlank(); Length(max: 500); PlainText() } }

    /// The events the command produces on the meeting's current state, or the rule it breaks.
    public func decide(_ meeting: Meeting, context: CommandContext) throws -> [any Event] {
        try meeting.checkOrganizerMayChange(userID)
        return [MeetingCancelled(reason: reason, cancelledBy: userID)]
    }
}

/// The organizer closes the meeting once it has started.
public struct FinishMeeting: Command {
    /// The aggregate the command acts on.
    public typealias Target = Meeting
    /// The acting user.
    public var userID: Int

    /// Creates the command.
    public init(userID: Int) {
        self.userID = userID
    }

    /// The events the command produces on the meeting's current state, or the rule it breaks.
    public func decide(_ meeting: Meeting, context: CommandContext) throws -> [any Event] {
        try meeting.checkOrganizerMayChange(userID)
        guard context.now >= meeting.startsAt else { throw MeetingError.notStarted }
        return [MeetingFinished()]
    }
}

extension Meeting {
    /// An invitee's current answer, once they may answer: they are invited and the meeting is
    /// still scheduled.
    func answer(of userID: Int) throws -> Response {
        guard let response = responses[userID] else { throw MeetingError.notInvited }
        guard status == .scheduled else { throw MeetingError.notScheduled(status) }
        return response
    }

    /// Checks that a user may move, cancel or finish the meeting: they organize it and it is
    /// still scheduled.
    func checkOrganizerMayChange(_ userID: Int) throws {
        guard organizerID == userID else { throw MeetingError.notOrganizer }
        guard status == .scheduled else { throw MeetingError.notScheduled(status) }
    }
}
