public import Foundation

/// An event store kept in memory: for tests of domain logic and for trying Chronicle out.
///
/// It passes the same conformance suite as the database stores and behaves like them, down to
/// the errors, but keeps nothing when the process ends.
///
/// ```swift
/// let store = InMemoryEventStore()
/// try await store.append([MeetingScheduled(title: "Retro", startsAt: date)],
///                        to: stream, expected: .noEvents)
/// ```
public actor InMemoryEventStore: EventStore, SnapshotStore {
    private struct Stream {
        var entityType: String
        var logIndices: [Int] = []
    }

    private var log: [RecordedEvent] = []
    private var streams: [String: Stream] = [:]
    private var eventIDs: Set<UUID> = []
    private var snapshots: [String: Snapshot] = [:]
    private let limits: EventLimits
    private let now: @Sendable () -> Date
    private let upcasters: Upcasters
    private let personalData: (any PersonalDataProtection)?
    private var subjectKeys: [String: StoredSubjectKey] = [:]
    /// The audit of forgotten subjects: who asked, and when.
    public private(set) var forgottenSubjects: [ForgottenSubject] = []

    /// Creates an empty store.
    ///
    /// - Parameters:
    ///   - limits: The size limits appends must respect.
    ///   - now: The clock that stamps appended events.
    ///   - upcasters: The upcasting steps applied to every event read.
    ///   - personalData: What encrypts the events' personal fields, if anything.
    public init(
        limits: EventLimits = EventLimits(), now: @escaping @Sendable () -> Date = Date.init, upcasters: Upcasters = Upcasters(),
        personalData: (any PersonalDataProtection)? = nil
    ) {
        self.limits = limits
        self.now = now
        self.upcasters = upcasters
        self.personalData = personalData
    }

    /// Appends events to one entity, all or nothing. See ``EventStore/append(_:to:expected:)``.
    @discardableResult
    public func append(_ events: [NewEvent], to stream: StreamName, expected: ExpectedVersion) async throws -> AppendResult {
        guard let personalData else { return try write(events, to: stream, expected: expected) }
        // Bad input is refused before a subject's key is made for it.
        _ = try PreparedAppend(events, to: stream, expected: expected, limits: limits, now: now())
        let sealed = try await personalData.seal(events, to: stream, keys: self)
        return try write(sealed, to: stream, expected: expected).withData(of: events)
    }

    private func write(_ events: [NewEvent], to stream: StreamName, expected: ExpectedVersion) throws -> AppendResult {
        let append = try PreparedAppend(events, to: stream, expected: expected, limits: limits, now: now())
        let existing = streams[stream.entityID]
        let currentVersion = existing?.logIndices.count ?? 0
        try append.check(currentVersion: currentVersion, storedEntityType: existing?.entityType)
        if let duplicate = append.entries.first(where: { eventIDs.contains($0.id) }) {
            throw EventStoreError.duplicateEventID(duplicate.id, stream: stream)
        }

        let firstPosition = Int64(log.count) + 1
        let positions = (0..<Int64(append.entries.count)).map { firstPosition + $0 }
        let recorded = append.recordedEvents(after: currentVersion, positions: positions)
        var entity = existing ?? Stream(entityType: stream.entityType)
        for event in recorded {
            entity.logIndices.append(log.count)
            eventIDs.insert(event.id)
            log.append(event)
        }
        streams[stream.entityID] = entity
        return AppendResult(events: recorded)
    }

    /// Reads one entity's events in version order. See ``EventStore/readStream(_:after:through:limit:)``.
    public func readStream(
        _ stream: StreamName, after version: Int, through lastVersion: Int?, limit: Int
    ) async throws -> [RecordedEvent] {
        guard limit > 0 else { throw EventStoreError.invalidReadLimit(limit) }
        guard let entity = streams[stream.entityID], entity.entityType == stream.entityType else { return [] }
        let first = max(version, 0)
        let end = min(lastVersion ?? entity.logIndices.count, entity.logIndices.count)
        guard first < end else { return [] }
        return try await opened(entity.logIndices[first..<min(end, first + limit)].map { log[$0] })
    }

    /// Reads the global log in position order. See ``EventStore/readLog(after:limit:)``.
    public func readLog(after position: Int64, limit: Int) async throws -> [RecordedEvent] {
        guard limit > 0 else { throw EventStoreError.invalidReadLimit(limit) }
        let first = Int(clamping: max(position, 0))
        guard first < log.count else { return [] }
        return try await opened(Array(log[first..<min(log.count, first + limit)]))
    }

    /// Stored events as readers see them: decrypted, then upcast.
    private func opened(_ events: [RecordedEvent]) async throws -> [RecordedEvent] {
        guard let personalData else { return try upcasters.upcast(events) }
        return try upcasters.upcast(try await personalData.open(events, keys: self))
    }

    /// The position of the newest event, or 0.
    public func headPosition() -> Int64 {
        Int64(log.count)
    }

    /// The entity's newest snapshot. See ``SnapshotStore/snapshot(of:)``.
    public func snapshot(of stream: StreamName) -> Snapshot? {
        snapshots[stream.entityID].flatMap { $0.stream == stream ? $0 : nil }
    }

    /// Keeps a snapshot as the entity's newest. See ``SnapshotStore/saveSnapshot(_:)``.
    public func saveSnapshot(_ snapshot: Snapshot) throws {
        try snapshot.check()
        if let kept = snapshots[snapshot.stream.entityID], kept.schema == snapshot.schema, kept.version > snapshot.version {
            return
        }
        snapshots[snapshot.stream.entityID] = snapshot
    }

    /// Deletes snapshots. See ``SnapshotStore/deleteSnapshots(entityType:)``.
    public func deleteSnapshots(entityType: String?) {
        snapshots = snapshots.filter { entityType != nil && $0.value.stream.entityType != entityType }
    }

    // MARK: Personal data

    /// The keys of subjects, created on first use. See ``SubjectKeyStore``.
    public func subjectKeys(
        for subjects: Set<String>, creatingWith newKey: @escaping @Sendable (String) async throws -> StoredSubjectKey
    ) async throws -> [String: StoredSubjectKey] {
        var found: [String: StoredSubjectKey] = [:]
        for subject in subjects {
            if subjectKeys[subject] == nil {
                let made = try await newKey(subject)
                // Another append may have made one meanwhile: the first kept wins.
                if subjectKeys[subject] == nil { subjectKeys[subject] = made }
            }
            found[subject] = subjectKeys[subject]
        }
        return found
    }

    /// The keys with these ids that still exist. See ``SubjectKeyStore``.
    public func subjectKeys(withIDs ids: Set<UUID>) -> [UUID: StoredSubjectKey] {
        Dictionary(uniqueKeysWithValues: subjectKeys.values.filter { ids.contains($0.id) }.map { ($0.id, $0) })
    }

    /// Forgets a subject: deletes its key, so its encrypted fields read as forgotten from now
    /// on, deletes the snapshots of entities that hold its data, and appends a
    /// ``SubjectForgotten`` event. A subject without a key is left alone.
    ///
    /// - Parameters:
    ///   - subject: The subject.
    ///   - actor: Who asked, for the audit.
    public func forget(subject: String, by actor: String?) async throws -> ForgetReport {
        guard let key = subjectKeys[subject] else {
            return ForgetReport(subject: subject, keysDeleted: 0, snapshotsDeleted: 0, position: nil)
        }
        let keyID = Data(key.id.uuidString.lowercased().utf8)
        let holders = Set(log.filter { $0.data.range(of: keyID) != nil }.map(\.stream.entityID))
        let stale = snapshots.keys.filter(holders.contains)
        let result = try write(
            [try NewEvent(SubjectForgotten(subject: subject), metadata: EventMetadata(actor: actor))],
            to: SubjectForgotten.stream(of: subject), expected: .any)
        subjectKeys[subject] = nil
        for entity in stale { snapshots[entity] = nil }
        forgottenSubjects.append(ForgottenSubject(subject: subject, actor: actor, forgottenAt: now()))
        personalData?.subjectForgotten(subject)
        return ForgetReport(subject: subject, keysDeleted: 1, snapshotsDeleted: stale.count, position: result.position)
    }
}

extension InMemoryEventStore: SubjectKeyStore {}
