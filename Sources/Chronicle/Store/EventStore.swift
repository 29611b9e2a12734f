/// An append-only store of events: the one thing a database driver implements.
///
/// Events are appended to one entity at a time, all or nothing, under an optimistic
/// concurrency check (``ExpectedVersion``). They are read back per entity in version order, or
/// for the whole store in position order (the global log).
///
/// Chronicle ships three stores that pass the same conformance suites (`ChronicleConformance`):
/// ``InMemoryEventStore``, `SQLiteEventStore` and `PostgresEventStore`.
///
/// ```swift
/// let stream = StreamName(entityType: "meeting", entityID: "42")
/// let result = try await store.append([MeetingScheduled(title: "Retro", startsAt: date)],
///                                     to: stream, expected: .noEvents)
/// let history = try await store.readStream(stream)
/// for try await event in store.readLog(after: 0) { print(event.position, event.eventType) }
/// ```
///
/// - Important: A store never loses, reorders or rewrites a recorded event. Positions increase
///   in the order a reader of the log sees them: a reader never receives an event with a lower
///   position after one with a higher position, even when writers commit concurrently.
public protocol EventStore: Sendable {
    /// Appends events to one entity, all or nothing.
    ///
    /// The events get the versions after the entity's current version and new positions at the
    /// end of the log.
    ///
    /// - Parameters:
    ///   - events: The events, at least one, in the order they happened.
    ///   - stream: The entity to append to.
    ///   - expected: What the entity's current version must be.
    /// - Returns: The recorded events with their versions and positions.
    /// - Throws: ``EventStoreError`` with ``EventStoreError/Code/wrongExpectedVersion``,
    ///   ``EventStoreError/Code/entityTypeMismatch``, ``EventStoreError/Code/duplicateEventID`` or
    ///   ``EventStoreError/Code/invalidInput``. Nothing is written when it throws.
    @discardableResult
    func append(_ events: [NewEvent], to stream: StreamName, expected: ExpectedVersion) async throws -> AppendResult

    /// Reads up to `limit` events of one entity in version order.
    ///
    /// - Parameters:
    ///   - stream: The entity to read.
    ///   - version: Read events after this version; 0 reads from the first event.
    ///   - lastVersion: Stop at this version (time travel); `nil` reads to the newest event.
    ///   - limit: The most events to return, 1 or more.
    /// - Returns: Events with versions in `version + 1 ... lastVersion`, ascending. Empty when
    ///   the entity has no such events.
    func readStream(
        _ stream: StreamName, after version: Int, through lastVersion: Int?, limit: Int
    ) async throws -> [RecordedEvent]

    /// Reads up to `limit` events of the global log in position order.
    ///
    /// - Parameters:
    ///   - position: Read events after this position; 0 reads from the start.
    ///   - limit: The most events to return, 1 or more.
    /// - Returns: Events with positions above `position`, ascending and without gaps a later
    ///   read could fill: an event committed by a transaction that is still running is neither
    ///   returned nor skipped. A short or empty batch does not prove the log ends there; compare
    ///   with ``headPosition()``.
    func readLog(after position: Int64, limit: Int) async throws -> [RecordedEvent]

    /// The position of the newest recorded event, or 0 when the store is empty.
    func headPosition() async throws -> Int64
}
