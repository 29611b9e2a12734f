public import Foundation

/// What a store does with personal data: encrypts the ``Event/personalFields`` of events it
/// appends, and decrypts them, or shows their forgotten value, in events it reads.
///
/// Stores take one in their configuration (`personalData:`) and call it on every append and
/// read, before upcasting, so upcasters see decrypted data while the key exists and the
/// forgotten value after. `ChroniclePersonalData` provides the implementation
/// (`PersonalDataCipher`, AES-GCM with a key per subject); the keys are kept by the store
/// itself, a ``SubjectKeyStore``.
public protocol PersonalDataProtection: Sendable {
    /// The events with their personal fields encrypted, each by its subject's key; a key is
    /// created on first use.
    ///
    /// - Throws: ``EventStoreError/Code/invalidInput`` when an event lacks the subject of one of
    ///   its personal fields; the key store's errors.
    func seal(_ events: [NewEvent], to stream: StreamName, keys: any SubjectKeyStore) async throws -> [NewEvent]

    /// The events with every encrypted field decrypted, or replaced by its forgotten value when
    /// its key is gone. Never fails because a key is gone.
    func open(_ events: [RecordedEvent], keys: any SubjectKeyStore) async throws -> [RecordedEvent]

    /// Drops whatever this process keeps of a subject's keys, after they were deleted.
    func subjectForgotten(_ subject: String)
}

/// Where a store keeps the data keys of subjects, encrypted by a master key: the
/// `chronicle_subject_keys` table of a SQL store, or memory.
public protocol SubjectKeyStore: Sendable {
    /// The keys of subjects, creating those that have none with `newKey`.
    ///
    /// - Parameters:
    ///   - subjects: The subjects.
    ///   - newKey: Makes a new key for a subject, its data key already wrapped. Two processes
    ///     may race to create a subject's key: one wins, and both get the winner's.
    func subjectKeys(
        for subjects: Set<String>, creatingWith newKey: @escaping @Sendable (String) async throws -> StoredSubjectKey
    ) async throws -> [String: StoredSubjectKey]

    /// The keys with these ids that still exist; a forgotten subject's are missing.
    func subjectKeys(withIDs ids: Set<UUID>) async throws -> [UUID: StoredSubjectKey]
}

/// A subject's data key as stored: wrapped (encrypted) by a master key.
public struct StoredSubjectKey: Hashable, Sendable {
    /// The key's id, stored in every envelope it encrypts.
    public var id: UUID
    /// The subject.
    public var subject: String
    /// The data key, encrypted by the master key.
    public var wrappedKey: Data
    /// The id of the master key that wrapped it.
    public var masterKeyID: String

    /// Creates a stored key.
    public init(id: UUID, subject: String, wrappedKey: Data, masterKeyID: String) {
        self.id = id
        self.subject = subject
        self.wrappedKey = wrappedKey
        self.masterKeyID = masterKeyID
    }
}

/// What forgetting a subject did.
public struct ForgetReport: Hashable, Sendable {
    /// The subject.
    public var subject: String
    /// The keys deleted: 0 when the subject had none, and nothing was written.
    public var keysDeleted: Int
    /// The snapshots deleted because their entity holds the subject's data.
    public var snapshotsDeleted: Int
    /// The position of the `chronicle.subject_forgotten` event, `nil` when nothing was written.
    public var position: Int64?

    /// Creates a report.
    public init(subject: String, keysDeleted: Int, snapshotsDeleted: Int, position: Int64?) {
        self.subject = subject
        self.keysDeleted = keysDeleted
        self.snapshotsDeleted = snapshotsDeleted
        self.position = position
    }

    /// Whether the subject was known: it had a key, now deleted.
    public var wasKnown: Bool { keysDeleted > 0 }

    /// One sentence for people: what was done, or that the subject was unknown.
    public var summary: String {
        wasKnown
            ? "Forgot subject \(subject): deleted \(keysDeleted) key(s) and \(snapshotsDeleted) snapshot(s); its encrypted data now reads as forgotten."
            : "Subject \(subject) has no key: nothing of it is encrypted in this store, so nothing was done."
    }
}

/// The audit of one forgotten subject: who asked and when, and nothing of the data.
public struct ForgottenSubject: Hashable, Sendable {
    /// The subject.
    public var subject: String
    /// Who asked, if known.
    public var actor: String?
    /// When.
    public var forgottenAt: Date

    /// Creates an audit entry.
    public init(subject: String, actor: String?, forgottenAt: Date) {
        self.subject = subject
        self.actor = actor
        self.forgottenAt = forgottenAt
    }
}
