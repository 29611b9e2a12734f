public import Chronicle
public import Foundation
import SQLKit

/// What to show of the log, newest first: the event browser's filters.
///
/// ```swift
/// let page = try await store.storedEvents(matching: EventLogQuery(eventTypes: ["meeting.cancelled"], limit: 50))
/// let older = try await store.storedEvents(matching: EventLogQuery(eventTypes: ["meeting.cancelled"], before: page.last!.position))
/// ```
///
/// Without a time range the events come in position order. With one (``from`` or ``until``)
/// they come in the order of their time, then position, which an index serves for any range;
/// the next page then starts before the last event's time and position together
/// (``before`` and ``beforeTime``).
public struct EventLogQuery: Hashable, Sendable {
    /// Only events of these types; all when empty.
    public var eventTypes: [String]
    /// Only events of entities of these types; all when empty.
    public var entityTypes: [String]
    /// Only events recorded at or after this time.
    public var from: Date?
    /// Only events recorded before this time.
    public var until: Date?
    /// Only events before this position: the cursor of the next (older) page.
    public var before: Int64?
    /// With a time range: only events recorded before this time, or at it and before
    /// ``before``: the time half of the next page's cursor.
    public var beforeTime: Date?
    /// The most events to return.
    public var limit: Int

    /// Whether the events come in time order: a time range is given.
    public var isOrderedByTime: Bool { from != nil || until != nil }

    /// Creates a query; without arguments it asks for the newest 50 events.
    public init(
        eventTypes: [String] = [], entityTypes: [String] = [], from: Date? = nil, until: Date? = nil, before: Int64? = nil,
        beforeTime: Date? = nil, limit: Int = 50
    ) {
        self.eventTypes = eventTypes
        self.entityTypes = entityTypes
        self.from = from
        self.until = until
        self.before = before
        self.beforeTime = beforeTime
        self.limit = limit
    }
}

/// Reading stored events by what an operator looks for: the queries of the event browser.
///
/// These read events as stored, without upcasting (`Upcasters.upcast(_:)` shows what code
/// sees), and read whatever is committed: unlike `EventStore.readLog`
/// they do not hold back events that a running transaction might still precede, so they suit
/// looking, not following. Each is served by an index (store migration 9).
extension SQLEventStore {
    /// Events matching a query, newest first: by position, or with a time range by time and
    /// position.
    ///
    /// - Throws: `EventStoreError` when the database cannot serve.
    public func storedEvents(matching query: EventLogQuery) async throws -> [RecordedEvent] {
        let dialect = dialect
        var conditions: [SQLQueryString] = []
        if !query.eventTypes.isEmpty { conditions.append("event_type IN (\(binds: query.eventTypes))") }
        if !query.entityTypes.isEmpty { conditions.append("entity_type IN (\(binds: query.entityTypes))") }
        if let from = query.from {
            conditions.append("created_at >= \(dialect.timestamp(microseconds: Timestamp.microseconds(since1970: from)))")
        }
        if let until = query.until {
            conditions.append("created_at < \(dialect.timestamp(microseconds: Timestamp.microseconds(since1970: until)))")
        }
        if let before = query.before {
            if query.isOrderedByTime, let time = query.beforeTime {
                let microseconds = dialect.timestamp(microseconds: Timestamp.microseconds(since1970: time))
                conditions.append("(created_at, position) < (\(microseconds), \(bind: before))")
            } else {
                conditions.append("position < \(bind: before)")
            }
        }
        var statement: SQLQueryString = "SELECT \(dialect.eventColumns) FROM chronicle_events"
        for (index, condition) in conditions.enumerated() {
            statement = statement + (index == 0 ? " WHERE " : " AND ") + condition
        }
        // Qualified: `created_at` alone would name the output column of that name (the time as
        // microseconds on PostgreSQL), which no index serves.
        let order: SQLQueryString =
            query.isOrderedByTime ? "chronicle_events.created_at DESC, chronicle_events.position DESC" : "chronicle_events.position DESC"
        statement = statement + " ORDER BY \(order) LIMIT \(bind: max(query.limit, 0))"
        let finished = statement
        return try await withReadConnection { sql in
            try await sql.raw(finished).all().map(RecordedEvent.init(chronicleEventsRow:))
        }
    }

    /// The event with an id, as stored, or `nil`.
    ///
    /// - Throws: `EventStoreError` when the database cannot serve.
    public func storedEvent(id: UUID) async throws -> RecordedEvent? {
        let dialect = dialect
        let id = id.uuidString.lowercased()
        return try await withReadConnection { sql in
            try await sql.raw("""
                SELECT \(dialect.eventColumns) FROM chronicle_events WHERE event_id = \(dialect.uuid(SQLBind(id)))
                """).first().map(RecordedEvent.init(chronicleEventsRow:))
        }
    }

    /// The events of one correlation id in position order: what one request or command caused,
    /// across entities, reactors and projections.
    ///
    /// - Parameters:
    ///   - correlationID: The correlation id.
    ///   - limit: The most events to return.
    /// - Throws: `EventStoreError` when the database cannot serve.
    public func storedEvents(correlatedWith correlationID: String, limit: Int = 500) async throws -> [RecordedEvent] {
        let dialect = dialect
        return try await withReadConnection { sql in
            try await sql.raw("""
                SELECT \(dialect.eventColumns) FROM chronicle_events
                WHERE \(dialect.jsonText(SQLIdentifier("meta"), key: "correlation_id")) = \(bind: correlationID)
                ORDER BY position LIMIT \(bind: limit)
                """).all().map(RecordedEvent.init(chronicleEventsRow:))
        }
    }

    /// The events of one entity in version order, as stored, found by its id alone.
    ///
    /// - Parameters:
    ///   - entityID: The entity's id.
    ///   - version: Events after this version.
    ///   - limit: The most events to return.
    /// - Throws: `EventStoreError` when the database cannot serve.
    public func storedEvents(ofEntity entityID: String, after version: Int = 0, limit: Int = 200) async throws -> [RecordedEvent] {
        try await storedEvents(ofEntity: entityID, after: version, limit: limit, in: "chronicle_events")
    }

    /// The events of one entity in version order, as stored in a table of events' columns: the
    /// log, or the archive.
    func storedEvents(ofEntity entityID: String, after version: Int, limit: Int, in table: String) async throws -> [RecordedEvent] {
        let dialect = dialect
        return try await withReadConnection { sql in
            try await sql.raw("""
                SELECT \(dialect.eventColumns) FROM \(unsafeRaw: table)
                WHERE entity_id = \(bind: entityID) AND version > \(bind: version) ORDER BY version LIMIT \(bind: limit)
                """).all().map(RecordedEvent.init(chronicleEventsRow:))
        }
    }
}
