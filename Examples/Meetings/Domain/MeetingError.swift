public import Chronicle

/// The rules a meeting's state enforces, each with a machine code.
public enum MeetingError: DomainError, Equatable {
    /// Scheduling a meeting that exists.
    case alreadyScheduled
    /// Changing a meeting that is cancelled or finished.
    case notScheduled(Meeting.Status)
    /// Answering an invitation one did not receive.
    case notInvited
    /// Moving, cancelling or finishing someone else's meeting.
    case notOrganizer
    /// Rescheduling to the time the meeting already has.
    case sameStartTime
    /// Finishing a meeting before its start.
    case notStarted

    /// The machine code clients match on.
    public var code: String {
        switch self {
        case .alreadyScheduled: "already_scheduled"
        case .notScheduled: "meeting_not_scheduled"
        case .notInvited: "not_invited"
        case .notOrganizer: "not_organizer"
        case .sameStartTime: "same_start_time"
        case .notStarted: "meeting_not_started"
        }
    }

    /// A sentence for people.
    public var message: String {
        switch self {
        case .alreadyScheduled: "The meeting is already scheduled."
        case .notScheduled(.cancelled): "The meeting was cancelled; it cannot change any more."
        case .notScheduled(.finished): "The meeting has finished; it cannot change any more."
        case .notScheduled: "Only a scheduled meeting can change."
        case .notInvited: "Only an invitee can answer the invitation."
        case .notOrganizer: "Only the organizer can do this."
        case .sameStartTime: "The meeting already starts at that time."
        case .notStarted: "A meeting can be finished only once it has started."
        }
    }

    /// The codes that mean the user may not act on this meeting at all (HTTP 403).
    public static let forbiddenCodes: Set<String> = ["not_invited", "not_organizer"]
}
