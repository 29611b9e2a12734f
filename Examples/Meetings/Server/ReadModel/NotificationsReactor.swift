import Chronicle
import ChronicleProjections
import MeetingsDomain

/// Mails invitees when a meeting is scheduled, moved or cancelled, into the ``Outbox``.
///
/// A reactor: it follows the log after commit, only in the running server, never during a
/// rebuild or replay. The meeting's title and invitees come from loading the meeting at the
/// event's version.
struct NotificationsReactor: Reactor {
    static let name = "notifications"
    /// Mail for an event that keeps failing is tried three times, then parked for an operator;
    /// the other mail goes out meanwhile.
    static let errorPolicy = ErrorPolicy.park(afterAttempts: 3)
    /// Mail about a meeting needs only that meeting's events in order, so the reactor can be
    /// split into partitions by meeting: on PostgreSQL it is (``PartitionedNotificationsReactor``).
    static let ordering = EventOrdering.perEntity

    let outbox: Outbox
    let meetings: Aggregates

    var handlers: EventHandlers<ReactionContext> {
        EventHandlers {
            On(MeetingScheduled.self) { event, reaction in
                try await outbox.enqueue(
                    event.inviteeIDs.map { invitee in
                        Outbox.Mail(
                            recipientID: invitee, subject: "Invitation: \(event.title)",
                            body: "\(DemoUsers.name(event.organizerID)) invites you to “\(event.title)” on \(ActivityProjection.readable(event.startsAt)), for \(event.durationMinutes) minutes.",
                            aboutUserID: event.organizerID)
                    }, idempotencyKey: reaction.idempotencyKey)
            }
            On(MeetingRescheduled.self) { event, reaction in
                let meeting = try await meeting(of: reaction)
                try await outbox.enqueue(
                    Self.stillComing(meeting).map { invitee in
                        Outbox.Mail(
                            recipientID: invitee, subject: "Moved: \(meeting.title)",
                            body: "“\(meeting.title)” now starts on \(ActivityProjection.readable(event.startsAt)) instead of \(ActivityProjection.readable(event.previousStartsAt)).",
                            aboutUserID: meeting.organizerID)
                    }, idempotencyKey: reaction.idempotencyKey)
            }
            On(MeetingCancelled.self) { event, reaction in
                let meeting = try await meeting(of: reaction)
                try await outbox.enqueue(
                    Self.stillComing(meeting).map { invitee in
                        Outbox.Mail(
                            recipientID: invitee, subject: "Cancelled: \(meeting.title)",
                            body: "“\(meeting.title)” on \(ActivityProjection.readable(meeting.startsAt)) is cancelled" + (event.reason.map { ": \($0)" } ?? "."),
                            aboutUserID: meeting.organizerID)
                    }, idempotencyKey: reaction.idempotencyKey)
            }
            // Mail already queued quotes the user's titles and reasons: blank it.
            On(SubjectForgotten.self) { event, _ in
                if let userID = Int(event.subject) { try await outbox.forget(userID: userID) }
            }
        }
    }

    /// The meeting as the event left it.
    private func meeting(of reaction: ReactionContext) async throws -> Meeting {
        try await meetings.load(Meeting.self, id: EntityID(reaction.event.stream.entityID), asOf: .version(reaction.event.version)).state
    }

    /// Invitees who have not declined, in id order.
    private static func stillComing(_ meeting: Meeting) -> [Int] {
        meeting.responses.filter { $0.value != .declined }.keys.sorted()
    }
}

/// ``NotificationsReactor`` in four partitions, for PostgreSQL, where several nodes share the
/// sending: the three nodes of `scripts/cluster` hold 2, 1 and 1 of them. On SQLite one process
/// runs every partition, so partitions would only add runners; it runs as one there.
struct PartitionedNotificationsReactor: Reactor {
    static let name = NotificationsReactor.name
    static let errorPolicy = NotificationsReactor.errorPolicy
    static let ordering = NotificationsReactor.ordering
    static let partitions = 4

    let reactor: NotificationsReactor

    var handlers: EventHandlers<ReactionContext> { reactor.handlers }
}
