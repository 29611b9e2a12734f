public import Chronicle
public import Foundation
import SQLKit

/// What archiving or deleting an entity did.
public struct RetiredEntity: Hashable, Sendable {
    /// The entity.
    public var stream: StreamName
    /// How many of its events were archived or deleted.
    public var events: Int
    /// The position of the `StreamArchived` or `StreamDeleted` event that closed it.
    public var position: Int64

    /// Creates a report.
    public init(stream: StreamName, events: Int, position: Int64) {
        self.stream = stream
        self.events = events
        self.position = position
    }
}

extension SQLEventStore {
    /// Archives an entity: moves its events out of the log into `chronicle_archived_events`, in
    /// one transaction with a `StreamArchived` event that closes the entity and tells
    /// projections, and the deletion of its snapshot.
    ///
    /// The events stay readable through ``archivedEvents(ofEntity:after:limit:)`` (and the event
    /// browser, and `events --archived`), but projections, reactors, rebuilds and the event feed
    /// no longer see them: a rebuild after an archive gives the tables that following the log
    /// live gave, as long as projections drop the entity's rows on `StreamArchived`. Nothing more
    /// may be appended to the entity id (`EventStoreError.Code.entityClosed`).
    ///
    /// With a read side, archive through the application (`EventSourcedApp.archive(_:by:)`).
    ///
    /// - Parameters:
    ///   - stream: The entity.
    ///   - actor: Who asked, stored in the event's metadata.
    ///   - appending: How the event is appended with the work; the store's own append by default.
    /// - Throws: `EventStoreError.Code.entityNotFound` for an entity without events,
    ///   `.entityTypeMismatch` for an id of another type, `.entityClosed` for an entity already
    ///   archived or deleted, `.wrongExpectedVersion` when an append raced the archive.
    @discardableResult
    public func archive(_ stream: StreamName, by actor: String? = nil, appending: SystemEventAppend? = nil) async throws -> RetiredEntity {
        try await retire(stream, archiving: true, by: actor, appending: appending)
    }

    /// Deletes an entity's events, in one transaction with a `StreamDeleted` event, the
    /// tombstone: the entity's last event, which closes it for good
    /// (`EventStoreError.Code.entityClosed`) and tells projections to drop its rows. Its
    /// snapshot and any archived events of it are deleted too.
    ///
    /// - Parameters:
    ///   - stream: The entity.
    ///   - actor: Who asked, stored in the tombstone's metadata.
    ///   - appending: How the event is appended with the work; the store's own append by default.
    /// - Throws: As ``archive(_:by:appending:)``.
    @discardableResult
    public func delete(_ stream: StreamName, by actor: String? = nil, appending: SystemEventAppend? = nil) async throws -> RetiredEntity {
        try await retire(stream, archiving: false, by: actor, appending: appending)
    }

    private func retire(_ stream: StreamName, archiving: Bool, by actor: String?, appending: SystemEventAppend?) async throws -> RetiredEntity {
        let current = try await withReadConnection { sql in
            try await sql.raw("""
                SELECT version, entity_type FROM chronicle_events WHERE entity_id = \(bind: stream.entityID) ORDER BY version DESC LIMIT 1
                """).first().map { (try $0.decode(column: "version", as: Int.self), try $0.decode(column: "entity_type", as: String.self)) }
        }
        guard let (version, entityType) = current else { throw EventStoreError.entityNotFound(stream) }
        // An archived entity may still be deleted: its archived events go, and its archive
        // event is followed by the tombstone.
        let wasArchived = !archiving && entityType == StreamArchived.entityType
        guard entityType == stream.entityType || wasArchived else {
            throw EventStoreError.entityTypeMismatch(stream: stream, storedEntityType: entityType)
        }
        let closedType = archiving ? StreamArchived.entityType : StreamDeleted.entityType
        let count = wasArchived ? version - 1 : version
        let event =
            archiving
            ? try NewEvent(StreamArchived(entityType: stream.entityType, entityID: stream.entityID, events: count), metadata: EventMetadata(actor: actor))
            : try NewEvent(StreamDeleted(entityType: stream.entityType, entityID: stream.entityID, events: count), metadata: EventMetadata(actor: actor))
        let target = wasArchived ? StreamName(entityType: StreamArchived.entityType, entityID: stream.entityID) : stream
        let now = Timestamp.microseconds(since1970: Date())
        let entityID = stream.entityID
        // The event is appended to the entity itself, at the version after its last, so that an
        // append racing the archive fails on one side or the other; its entity type then becomes
        // the closed one, in the same transaction, before anyone can see it.
        let result = try await (appending ?? defaultSystemEventAppend)([event], target, .exactly(version)) { sql, _ in
            if archiving {
                try await sql.raw("""
                    INSERT INTO chronicle_archived_events (\(unsafeRaw: Self.archivedColumns), archived_at)
                    SELECT \(unsafeRaw: Self.archivedColumns), \(bind: now) FROM chronicle_events
                    WHERE entity_id = \(bind: entityID) AND version <= \(bind: version)
                    """).run()
            } else {
                try await sql.raw("DELETE FROM chronicle_archived_events WHERE entity_id = \(bind: entityID)").run()
            }
            try await sql.raw("DELETE FROM chronicle_events WHERE entity_id = \(bind: entityID) AND version <= \(bind: count)").run()
            try await sql.raw("""
                UPDATE chronicle_events SET entity_type = \(bind: closedType) WHERE entity_id = \(bind: entityID) AND version = \(bind: version + 1)
                """).run()
            try await sql.raw("DELETE FROM chronicle_snapshots WHERE entity_id = \(bind: entityID)").run()
        }
        return RetiredEntity(stream: stream, events: count, position: result.position)
    }

    /// The columns an archived event keeps, in both tables.
    static var archivedColumns: String {
        "position, event_id, entity_type, entity_id, version, event_type, schema_version, meta, data, created_at"
    }

    /// An archived entity's events in version order, as readers see events: decrypted and upcast.
    ///
    /// - Parameters:
    ///   - entityID: The entity's id.
    ///   - version: Events after this version.
    ///   - limit: The most events to return.
    public func archivedEvents(ofEntity entityID: String, after version: Int = 0, limit: Int = 1_000) async throws -> [RecordedEvent] {
        try await readable(try await storedArchivedEvents(ofEntity: entityID, after: version, limit: limit))
    }

    /// An archived entity's events in version order, as stored.
    public func storedArchivedEvents(ofEntity entityID: String, after version: Int = 0, limit: Int = 1_000) async throws -> [RecordedEvent] {
        try await storedEvents(ofEntity: entityID, after: version, limit: limit, in: "chronicle_archived_events")
    }

    /// Archived events in position order, as readers see events: every archived entity's, for
    /// tools that list them (`events --archived`).
    public func archivedEvents(after position: Int64, limit: Int) async throws -> [RecordedEvent] {
        let dialect = dialect
        let stored = try await withReadConnection { sql in
            try await sql.raw("""
                SELECT \(dialect.eventColumns) FROM chronicle_archived_events
                WHERE position > \(bind: position) ORDER BY position LIMIT \(bind: limit)
                """).all().map(RecordedEvent.init(chronicleEventsRow:))
        }
        return try await readable(stored)
    }

    /// An append prepared as it is to be stored, with personal fields encrypted. Drivers call it
    /// on every append.
    ///
    /// The events are checked as given first, so that bad input is refused before a subject's
    /// key is made for it; the encrypted events are then checked against the limits again.
    public func prepared(
        _ events: [NewEvent], to stream: StreamName, expected: ExpectedVersion, limits: EventLimits, now: Date
    ) async throws -> PreparedAppend {
        let plain = try PreparedAppend(events, to: stream, expected: expected, limits: limits, now: now)
        guard let personalData else { return plain }
        let sealed = try await personalData.seal(events, to: stream, keys: self)
        return try PreparedAppend(sealed, to: stream, expected: expected, limits: limits, now: now)
    }

    /// Stored events as readers see them: personal fields decrypted (or forgotten), then upcast.
    /// Drivers call it on every read.
    public func readable(_ events: [RecordedEvent]) async throws -> [RecordedEvent] {
        guard let personalData else { return try upcasters.upcast(events) }
        return try upcasters.upcast(try await personalData.open(events, keys: self))
    }

    /// Counts of what the store has forgotten, archived and deleted, for `status`.
    public func retentionStatus() async throws -> RetentionStatus {
        try await withReadConnection { sql in
            func count(_ query: SQLQueryString) async throws -> Int {
                try await sql.raw(query).first()?.decode(column: "n", as: Int.self) ?? 0
            }
            return RetentionStatus(
                forgottenSubjects: try await count("SELECT count(DISTINCT subject) AS n FROM chronicle_forgotten_subjects"),
                subjectKeys: try await count("SELECT count(*) AS n FROM chronicle_subject_keys"),
                archivedEvents: try await count("SELECT count(*) AS n FROM chronicle_archived_events"),
                archivedEntities: try await count("SELECT count(DISTINCT entity_id) AS n FROM chronicle_archived_events"),
                deletedEntities: try await count(
                    "SELECT count(*) AS n FROM chronicle_events WHERE entity_type = \(bind: StreamDeleted.entityType)"))
        }
    }
}

/// What a store has forgotten, archived and deleted.
public struct RetentionStatus: Hashable, Sendable, Codable {
    /// Subjects whose keys were deleted.
    public var forgottenSubjects: Int
    /// Subjects with a key: those whose data is encrypted and readable.
    public var subjectKeys: Int
    /// Events moved to the archive.
    public var archivedEvents: Int
    /// Entities whose events are in the archive.
    public var archivedEntities: Int
    /// Entities whose events were deleted.
    public var deletedEntities: Int

    /// Creates a status.
    public init(forgottenSubjects: Int, subjectKeys: Int, archivedEvents: Int, archivedEntities: Int, deletedEntities: Int) {
        self.forgottenSubjects = forgottenSubjects
        self.subjectKeys = subjectKeys
        self.archivedEvents = archivedEvents
        self.archivedEntities = archivedEntities
        self.deletedEntities = deletedEntities
    }
}
