import Chronicle
public import ChronicleTesting
import Foundation
import MeetingsDomain
public import Testing

/// A scenario with a name, runnable on any store: the test targets run the same list on each.
public struct NamedScenario: Sendable, CustomTestStringConvertible {
    public let name: String
    let body: @Sendable (@escaping StoreScope) async throws -> Void

    /// Runs the scenario on new stores from `store`.
    public func run(in store: @escaping StoreScope) async throws {
        try await body(store)
    }

    public var testDescription: String { name }
}

/// The scenarios of the sample app's meeting domain.
public enum MeetingScenarios: Sendable {
    static let now = Scenario<Meeting>.defaultNow
    static let later = now.addingTimeInterval(86_400)
    static let scheduled = MeetingScheduled(title: "Retro", startsAt: later, organizerID: 1, inviteeIDs: [2, 3])

    public static let all: [NamedScenario] = [
        NamedScenario(name: "schedules a meeting") { store in
            try await Scenario(Meeting.self, in: store)
                .when(ScheduleMeeting(title: "Retro", startsAt: later, organizerID: 1, inviteeIDs: [2, 3]))
                .then(scheduled)
        },
        NamedScenario(name: "keeps the given duration") { store in
            try await Scenario(Meeting.self, in: store)
                .when(ScheduleMeeting(title: "Retro", startsAt: later, durationMinutes: 45, organizerID: 1, inviteeIDs: [2]))
                .then(MeetingScheduled(title: "Retro", startsAt: later, durationMinutes: 45, organizerID: 1, inviteeIDs: [2]))
        },
        NamedScenario(name: "reports every invalid field and writes nothing") { store in
            try await Scenario(Meeting.self, in: store)
                .when(ScheduleMeeting(title: " ", startsAt: now.addingTimeInterval(120), durationMinutes: 2, organizerID: 2, inviteeIDs: [2, -4, 2]))
                .thenFails(validation: [
                    "title": ["blank"],
                    "starts_at": ["too_early"],
                    "duration_minutes": ["too_small"],
                    "invitee_ids[2]": ["duplicate"],
                    "invitee_ids[1]": ["not_positive"],
                    "invitee_ids": ["organizer_invited"],
                ])
        },
        NamedScenario(name: "judges times by the pipeline's clock") { store in
            let scenario = Scenario(Meeting.self, in: store)
                .when(ScheduleMeeting(title: "Retro", startsAt: later, organizerID: 1, inviteeIDs: [2]))
            try await scenario.then(MeetingScheduled(title: "Retro", startsAt: later, organizerID: 1, inviteeIDs: [2]))
            try await Scenario(Meeting.self, in: store).at(later)
                .when(ScheduleMeeting(title: "Retro", startsAt: later, organizerID: 1, inviteeIDs: [2]))
                .thenFails(validation: ["starts_at": ["too_early"]])
        },
        NamedScenario(name: "refuses to schedule twice") { store in
            try await Scenario(Meeting.self, in: store)
                .given(scheduled)
                .when(ScheduleMeeting(title: "Again", startsAt: later, organizerID: 1, inviteeIDs: [2]))
                .thenFails(with: MeetingError.alreadyScheduled)
        },
        NamedScenario(name: "accepts an invitation") { store in
            try await Scenario(Meeting.self, in: store)
                .given(scheduled)
                .when(AcceptInvitation(userID: 2))
                .then(InvitationAccepted(userID: 2))
        },
        NamedScenario(name: "accepting twice changes nothing") { store in
            try await Scenario(Meeting.self, in: store)
                .given(scheduled, InvitationAccepted(userID: 2))
                .when(AcceptInvitation(userID: 2))
                .thenNothingHappens()
        },
        NamedScenario(name: "only invitees accept") { store in
            try await Scenario(Meeting.self, in: store)
                .given(scheduled)
                .when(AcceptInvitation(userID: 9))
                .thenFails(code: "not_invited")
        },
        NamedScenario(name: "a cancelled meeting cannot be accepted") { store in
            try await Scenario(Meeting.self, in: store)
                .given(scheduled, MeetingCancelled(reason: "Team away"))
                .when(AcceptInvitation(userID: 2))
                .thenFails(code: "meeting_not_scheduled")
        },
        NamedScenario(name: "the organizer cancels") { store in
            try await Scenario(Meeting.self, in: store)
                .given(scheduled, InvitationAccepted(userID: 3))
                .when(CancelMeeting(userID: 1, reason: "Team away"))
                .then(MeetingCancelled(reason: "Team away", cancelledBy: 1))
        },
        NamedScenario(name: "only the organizer cancels") { store in
            try await Scenario(Meeting.self, in: store)
                .given(scheduled)
                .when(CancelMeeting(userID: 2, reason: "I'm busy"))
                .thenFails(code: "not_organizer")
        },
        NamedScenario(name: "an invitee declines, and may change their mind") { store in
            try await Scenario(Meeting.self, in: store)
                .given(scheduled, InvitationAccepted(userID: 2))
                .when(DeclineInvitation(userID: 2))
                .then(InvitationDeclined(userID: 2))
            try await Scenario(Meeting.self, in: store)
                .given(scheduled, InvitationDeclined(userID: 2))
                .when(DeclineInvitation(userID: 2))
                .thenNothingHappens()
        },
        NamedScenario(name: "the organizer reschedules to another time") { store in
            let moved = later.addingTimeInterval(3_600)
            try await Scenario(Meeting.self, in: store)
                .given(scheduled)
                .when(RescheduleMeeting(userID: 1, startsAt: moved))
                .then(MeetingRescheduled(startsAt: moved, previousStartsAt: later))
            try await Scenario(Meeting.self, in: store)
                .given(scheduled)
                .when(RescheduleMeeting(userID: 1, startsAt: later))
                .thenFails(code: "same_start_time")
            try await Scenario(Meeting.self, in: store)
                .given(scheduled)
                .when(RescheduleMeeting(userID: 1, startsAt: now.addingTimeInterval(60)))
                .thenFails(validation: ["starts_at": ["too_early"]])
            try await Scenario(Meeting.self, in: store)
                .given(scheduled)
                .when(RescheduleMeeting(userID: 2, startsAt: moved))
                .thenFails(code: "not_organizer")
        },
        NamedScenario(name: "the organizer finishes a meeting once it started, then nothing changes") { store in
            try await Scenario(Meeting.self, in: store)
                .given(scheduled)
                .when(FinishMeeting(userID: 1))
                .thenFails(code: "meeting_not_started")
            try await Scenario(Meeting.self, in: store).at(later.addingTimeInterval(60))
                .given(scheduled)
                .when(FinishMeeting(userID: 1))
                .then(MeetingFinished())
            try await Scenario(Meeting.self, in: store).at(later.addingTimeInterval(60))
                .given(scheduled, MeetingFinished())
                .when(CancelMeeting(userID: 1))
                .thenFails(with: MeetingError.notScheduled(.finished))
        },
        NamedScenario(name: "a missing meeting is not found") { store in
            try await Scenario(Meeting.self, in: store)
                .when(AcceptInvitation(userID: 2))
                .thenFails(with: .entityNotFound)
        },
    ]
}
