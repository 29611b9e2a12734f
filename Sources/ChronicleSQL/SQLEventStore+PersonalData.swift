public import Chronicle
public import Foundation
public import SQLKit

extension SQLEventStore {
    /// No personal-data protection, unless the driver's configuration gives one.
    public var personalData: (any PersonalDataProtection)? { nil }

    /// The keys of subjects from `chronicle_subject_keys`, creating those that have none. See
    /// `SubjectKeyStore`.
    ///
    /// A new key is inserted in a short transaction of its own, before the append that needs it;
    /// when two processes race, the first insert wins and both use its key.
    public func subjectKeys(
        for subjects: Set<String>, creatingWith newKey: @escaping @Sendable (String) async throws -> StoredSubjectKey
    ) async throws -> [String: StoredSubjectKey] {
        let dialect = dialect
        var found = try await withReadConnection { sql in
            try await Self.subjectKeys(where: "subject IN (\(binds: Array(subjects)))", dialect: dialect, on: sql)
        }
        let missing = subjects.subtracting(found.map(\.subject))
        guard !missing.isEmpty else { return Dictionary(uniqueKeysWithValues: found.map { ($0.subject, $0) }) }
        var made: [StoredSubjectKey] = []
        for subject in missing.sorted() { made.append(try await newKey(subject)) }
        let now = Timestamp.microseconds(since1970: Date())
        let created = made
        found += try await withWriteTransaction(locking: nil) { sql in
            for key in created {
                try await sql.raw("""
                    INSERT INTO chronicle_subject_keys (key_id, subject, wrapped_key, master_key_id, created_at)
                    VALUES (\(dialect.uuid(SQLBind(key.id.uuidString.lowercased()))), \(bind: key.subject),
                        \(bind: key.wrappedKey.base64EncodedString()), \(bind: key.masterKeyID), \(bind: now))
                    ON CONFLICT (subject) DO NOTHING
                    """).run()
            }
            return try await Self.subjectKeys(where: "subject IN (\(binds: Array(missing)))", dialect: dialect, on: sql)
        }
        return Dictionary(found.map { ($0.subject, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The keys with these ids that still exist. See `SubjectKeyStore`.
    public func subjectKeys(withIDs ids: Set<UUID>) async throws -> [UUID: StoredSubjectKey] {
        let dialect = dialect
        let keys = try await withReadConnection { sql in
            try await Self.subjectKeys(
                where: "key_id IN (\(SQLList(ids.map { dialect.uuid(SQLBind($0.lowercaseText)) })))", dialect: dialect, on: sql)
        }
        return Dictionary(keys.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    private static func subjectKeys(where condition: SQLQueryString, dialect: any StoreDialect, on sql: any SQLDatabase) async throws -> [StoredSubjectKey] {
        try await sql.raw("""
            SELECT \(dialect.text(SQLIdentifier("key_id"))) AS key_id, subject, wrapped_key, master_key_id
            FROM chronicle_subject_keys WHERE \(condition)
            """).all().map { row in
            let keyID = try row.decode(column: "key_id", as: String.self)
            guard let id = UUID(parsing: keyID), let wrapped = Data(base64Encoded: try row.decode(column: "wrapped_key", as: String.self)) else {
                throw EventStoreError(code: .databaseFailure, message: "The subject key \(keyID) is damaged: its id or its wrapped key does not parse.")
            }
            return StoredSubjectKey(
                id: id, subject: try row.decode(column: "subject", as: String.self), wrappedKey: wrapped,
                masterKeyID: try row.decode(column: "master_key_id", as: String.self))
        }
    }

    /// Forgets a subject: deletes its keys, so that every field encrypted with them reads as its
    /// forgotten value from now on, in one transaction with the audit row
    /// (`chronicle_forgotten_subjects`: whose, who asked, when), the deletion of the snapshots of
    /// every entity whose events hold the subject's data, and a `SubjectForgotten` event that
    /// tells projections.
    ///
    /// A subject without a key is left alone: nothing is written, and the report says so.
    ///
    /// With a read side, forget through the application (`EventSourcedApp.forget(subject:by:)`),
    /// so that inline projections apply the event in the same transaction.
    ///
    /// - Parameters:
    ///   - subject: The subject, as the event types' personal fields name it.
    ///   - actor: Who asked, for the audit.
    ///   - appending: How the event is appended with the work; the store's own append by default.
    /// - Returns: What was done.
    @discardableResult
    public func forget(subject: String, by actor: String?, appending: SystemEventAppend? = nil) async throws -> ForgetReport {
        guard !subject.isEmpty else { throw EventStoreError.invalidInput("A subject to forget must not be empty. Nothing was written.") }
        let dialect = dialect
        let keyIDs = try await withReadConnection { sql in
            try await Self.subjectKeys(where: "subject = \(bind: subject)", dialect: dialect, on: sql).map(\.id)
        }
        guard !keyIDs.isEmpty else { return ForgetReport(subject: subject, keysDeleted: 0, snapshotsDeleted: 0, position: nil) }
        let snapshots = Tally()
        let event = try NewEvent(SubjectForgotten(subject: subject), metadata: EventMetadata(actor: actor))
        let now = Timestamp.microseconds(since1970: Date())
        let result = try await (appending ?? defaultSystemEventAppend)(
            [event], SubjectForgotten.stream(of: subject), .any
        ) { sql, _ in
            // Snapshots are folded from decrypted events: those of an entity with the subject's
            // data hold it in plaintext.
            var holders: [SQLQueryString] = []
            for id in keyIDs {
                holders.append("\(dialect.text(SQLIdentifier("data"))) LIKE \(bind: "%\(id.uuidString.lowercased())%")")
            }
            let condition = holders.joined(separator: " OR ")
            let stale = try await sql.raw("""
                SELECT entity_id FROM chronicle_snapshots
                WHERE entity_id IN (SELECT entity_id FROM chronicle_events WHERE \(condition))
                """).all().map { try $0.decode(column: "entity_id", as: String.self) }
            if !stale.isEmpty {
                try await sql.raw("DELETE FROM chronicle_snapshots WHERE entity_id IN (\(binds: stale))").run()
            }
            snapshots.set(stale.count)
            try await sql.raw("DELETE FROM chronicle_subject_keys WHERE subject = \(bind: subject)").run()
            try await sql.raw("""
                INSERT INTO chronicle_forgotten_subjects (subject, actor, keys_deleted, forgotten_at)
                VALUES (\(bind: subject), \(bind: actor), \(bind: keyIDs.count), \(bind: now))
                """).run()
        }
        personalData?.subjectForgotten(subject)
        return ForgetReport(subject: subject, keysDeleted: keyIDs.count, snapshotsDeleted: snapshots.value, position: result.position)
    }

    /// The audit of forgotten subjects, newest first.
    public func forgottenSubjects(limit: Int = 100) async throws -> [ForgottenSubject] {
        try await withReadConnection { sql in
            try await sql.raw("""
                SELECT subject, actor, forgotten_at FROM chronicle_forgotten_subjects ORDER BY id DESC LIMIT \(bind: limit)
                """).all().map { row in
                ForgottenSubject(
                    subject: try row.decode(column: "subject", as: String.self), actor: try row.decode(column: "actor", as: String?.self),
                    forgottenAt: Timestamp.date(microsecondsSince1970: try row.decode(column: "forgotten_at", as: Int64.self)))
            }
        }
    }

    /// The store's own append of a system event with work in its transaction: refused when an
    /// inline projection handles the event, which only the application's append applies.
    var defaultSystemEventAppend: SystemEventAppend {
        { events, stream, expected, work in
            let dialect = self.dialect
            let inline = try await self.withReadConnection { sql in
                try await sql.raw("""
                    SELECT name, \(dialect.text(SQLIdentifier("event_types"))) AS event_types FROM chronicle_projections
                    WHERE mode = 'inline' AND event_types IS NOT NULL
                    """).all().map { (try $0.decode(column: "name", as: String.self), try $0.decode(column: "event_types", as: String.self)) }
            }
            for (projection, handled) in inline {
                let types = (try? JSONDecoder().decode([String].self, from: Data(handled.utf8))) ?? []
                if let eventType = events.map(\.eventType).first(where: types.contains) {
                    throw EventStoreError.bypassesInlineProjection(stream: stream, eventType: eventType, projection: projection)
                }
            }
            return try await self.append(events, to: stream, expected: expected, sharingLocksOf: [], within: work)
        }
    }
}

/// How the store appends a system event (`SubjectForgotten`, `StreamArchived`,
/// `StreamDeleted`) with its work in the same transaction: the store's own append, or the
/// application's, which applies inline projections too.
public typealias SystemEventAppend = @Sendable (
    _ events: [NewEvent], _ stream: StreamName, _ expected: ExpectedVersion,
    _ work: @escaping @Sendable (any SQLDatabase, AppendResult) async throws -> Void
) async throws -> AppendResult

/// A count set inside a transaction's work and read after it; the last attempt's, when an
/// append is tried again.
final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func set(_ amount: Int) { lock.withLock { count = amount } }
    var value: Int { lock.withLock { count } }
}
