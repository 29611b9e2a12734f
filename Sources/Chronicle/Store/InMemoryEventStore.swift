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

    /// Creates an empty store.
    ///
    /// - Parameters:
    ///   - limits: The size limits appends must respect.
    ///   - now: The clock that stamps appended events.
    ///   - upcasters: The upcasting steps applied to every event read.
    public init(limits: EventLimits = EventLimits(), now: @escaping @Sendable () -> Date = Date.init, upcasters: Upcasters = Upcasters()) {
        self.limits = limits
        self.now = now
        self.upcasters = upcasters
    }

    /// Appends events to one entity, all or nothing. See ``EventStore/append(_:to:expected:)``.
    @discardableResult
    public func append(_ events: [NewEvent], to stream: StreamName, expected: ExpectedVersion) throws -> AppendResult {
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
    ) throws -> [RecordedEvent] {
        guard limit > 0 else { throw EventStoreError.invalidReadLimit(limit) }
        guard let entity = streams[stream.entityID], entity.entityType == stream.entityType else { return [] }
        let first = max(version, 0)
        let end = min(lastVersion ?? entity.logIndices.count, entity.logIndices.count)
        guard first < end else { return [] }
        return try upcasters.upcast(entity.logIndices[first..<min(end, first + limit)].map { log[$0] })
    }

    /// Reads the global log in position order. See ``EventStore/readLog(after:limit:)``.
    public func readLog(after position: Int64, limit: Int) throws -> [RecordedEvent] {
        guard limit > 0 else { throw EventStoreError.invalidReadLimit(limit) }
        let first = Int(clamping: max(position, 0))
        guard first < log.count else { return [] }
        return try upcasters.upcast(Array(log[first..<min(log.count, first + limit)]))
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
}
