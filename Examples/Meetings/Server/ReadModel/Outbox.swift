import ChronicleMigrations
import ChronicleProjections
import ChronicleSQL
import Foundation
import SQLKit

/// Mail waiting to be delivered: the `outbox` table, written by the notifications reactor and
/// read by whatever relays mail. Each message's key is the event's id and the recipient, so
/// reacting to an event twice queues its mail once.
struct Outbox: Sendable {
    /// A message to one invitee.
    struct Mail: Sendable {
        var recipientID: Int
        var subject: String
        var body: String
        /// Whose personal data the mail quotes: the meeting's organizer.
        var aboutUserID: Int

        /// A message; the subject is made one line, whatever the events held, so that it
        /// cannot add headers to a mail.
        init(recipientID: Int, subject: String, body: String, aboutUserID: Int) {
            self.recipientID = recipientID
            self.aboutUserID = aboutUserID
            self.subject = String(String.UnicodeScalarView(subject.unicodeScalars.map {
                $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" ? " " : $0
            }))
            self.body = body
        }
    }

    /// The table, created by `migrate` (scope `meetings`).
    static let migrations = MigrationSet(scope: "meetings", migrations: [
        Migration(version: 1, name: "create_outbox", sql: """
            CREATE TABLE outbox (
                idempotency_key TEXT PRIMARY KEY,
                event_id TEXT NOT NULL,
                recipient_id BIGINT NOT NULL,
                recipient TEXT NOT NULL,
                subject TEXT NOT NULL,
                body TEXT NOT NULL,
                queued_at TEXT NOT NULL
            );
            """),
        // Whose personal data a mail quotes, so that forgetting them blanks it.
        Migration(version: 2, name: "record_whose_data", sql: "ALTER TABLE outbox ADD COLUMN about_user_id BIGINT;"),
    ])

    let database: any SQLEventStore
    let now: @Sendable () -> Date

    /// Queues the mail of one event in one transaction; mail queued before for it is kept as is.
    func enqueue(_ mails: [Mail], idempotencyKey: String) async throws {
        guard !mails.isEmpty else { return }
        let queuedAt = Timestamp.string(now())
        try await database.withWriteTransaction(locking: nil) { sql in
            for mail in mails {
                try await sql.raw("""
                    INSERT INTO outbox (idempotency_key, event_id, recipient_id, recipient, subject, body, queued_at, about_user_id)
                    VALUES (\(bind: "\(idempotencyKey):\(mail.recipientID)"), \(bind: idempotencyKey), \(bind: mail.recipientID),
                        \(bind: "user\(mail.recipientID)@meetings.example"), \(bind: mail.subject), \(bind: mail.body), \(bind: queuedAt),
                        \(bind: mail.aboutUserID))
                    ON CONFLICT (idempotency_key) DO NOTHING
                    """).run()
            }
        }
    }

    /// Blanks the mail that quotes a forgotten user's data.
    func forget(userID: Int) async throws {
        try await database.withWriteTransaction(locking: nil) { sql in
            try await sql.raw("""
                UPDATE outbox SET subject = '(forgotten)', body = '(forgotten)' WHERE about_user_id = \(bind: userID)
                """).run()
        }
    }
}
