import Chronicle
import ChronicleHummingbird
import ChronicleProjections
import Foundation
import Hummingbird

extension EventBrowser {
    /// `<prefix>/`: the log, newest first, filtered and paged.
    func logPage(_ request: Request, _ context: Context, base: String) async throws -> Response {
        let eventTypes = request.listParameter("type")
        let entityTypes = request.listParameter("entity_type")
        let from = try Self.timeParameter(request, "from")
        let until = try Self.timeParameter(request, "until")
        let before = try request.integerParameter("before", in: 1...Int64.max)
        let beforeTime = try request.integerParameter("before_time", in: 0...Int64.max).map(Timestamp.date(microsecondsSince1970:))
        let query = EventLogQuery(
            eventTypes: eventTypes, entityTypes: entityTypes, from: from, until: until, before: before, beforeTime: beforeTime, limit: pageSize + 1)
        var events = try await app.store.storedEvents(matching: query)
        let hasOlder = events.count > pageSize
        events = Array(events.prefix(pageSize))

        var filters = URLComponents()
        filters.queryItems = [
            eventTypes.isEmpty ? nil : URLQueryItem(name: "type", value: eventTypes.joined(separator: ",")),
            entityTypes.isEmpty ? nil : URLQueryItem(name: "entity_type", value: entityTypes.joined(separator: ",")),
            request.uri.queryParameters["from"].map { URLQueryItem(name: "from", value: String($0)) },
            request.uri.queryParameters["until"].map { URLQueryItem(name: "until", value: String($0)) },
        ].compactMap { $0 }
        var older = filters
        older.queryItems = (filters.queryItems ?? []) + [URLQueryItem(name: "before", value: String(events.last?.position ?? 0))]
        if query.isOrderedByTime, let last = events.last {
            older.queryItems?.append(URLQueryItem(name: "before_time", value: String(Timestamp.microseconds(since1970: last.createdAt))))
        }
        return try BrowserPage.response(
            "log", title: "Event log", base: base,
            values: [
                "events": events.map { Self.row($0, base: base) },
                "empty": events.isEmpty,
                "type": eventTypes.joined(separator: ","),
                "entityType": entityTypes.joined(separator: ","),
                "from": request.uri.queryParameters["from"].map(String.init) ?? "",
                "until": request.uri.queryParameters["until"].map(String.init) ?? "",
                "filtered": !(filters.queryItems ?? []).isEmpty,
                "paged": before != nil,
                "newestLink": base + "/" + (filters.percentEncodedQuery.map { "?" + $0 } ?? ""),
                "olderLink": hasOlder ? base + "/?" + (older.percentEncodedQuery ?? "") : "",
                "head": try await app.store.headPosition(),
            ])
    }

    /// `<prefix>/search?q=`: an event id, entity id or correlation id, redirected to its page.
    func search(_ request: Request, base: String) async throws -> Response {
        let text = (request.uri.queryParameters["q"].map(String.init) ?? "").trimmingCharacters(in: .whitespaces)
        if !text.isEmpty {
            if let id = UUID(uuidString: text), try await app.store.storedEvent(id: id) != nil {
                return Self.redirect("\(base)/events/\(id.uuidString.lowercased())")
            }
            if try await !app.store.storedEvents(ofEntity: text, limit: 1).isEmpty {
                return Self.redirect("\(base)/streams/\(BrowserPage.segment(text))")
            }
            if try await !app.store.storedEvents(correlatedWith: text, limit: 1).isEmpty {
                return Self.redirect("\(base)/correlations/\(BrowserPage.segment(text))")
            }
        }
        return try BrowserPage.response(
            "search", title: "Search", base: base, values: ["q": text, "searched": !text.isEmpty], status: text.isEmpty ? .ok : .notFound)
    }

    /// `<prefix>/positions/{position}`: the event at a position (where a projection failed,
    /// say), redirected to its page.
    func positionPage(_ request: Request, _ context: Context, base: String) async throws -> Response {
        guard let position = Int64(try Self.pathParameter(context, "position")),
            let event = try await app.store.storedEvents(matching: EventLogQuery(before: position + 1, limit: 1)).first,
            event.position == position
        else {
            throw Self.notFound("No event is at position \(try Self.pathParameter(context, "position")).")
        }
        return Self.redirect("\(base)/events/\(event.id.uuidString.lowercased())")
    }

    /// One event as a row of a table: its position, time, entity, version, type and actor, with links.
    static func row(_ event: RecordedEvent, base: String, current: RecordedEvent? = nil) -> [String: Any] {
        let entity = BrowserPage.segment(event.stream.entityID)
        return [
            "position": event.position,
            "eventLink": "\(base)/events/\(event.id.uuidString.lowercased())",
            "time": BrowserPage.time(event.createdAt),
            "entityType": event.stream.entityType,
            "entityID": event.stream.entityID,
            "streamLink": "\(base)/streams/\(entity)",
            "version": event.version,
            "versionLink": "\(base)/streams/\(entity)?version=\(event.version)",
            "eventType": event.eventType,
            "actor": event.metadata.actor ?? "",
            "schemaVersion": event.schemaVersion,
            "current": current?.id == event.id,
        ]
    }

    /// A time parameter: RFC 3339, or a browser's `datetime-local` value taken as UTC.
    ///
    /// - Throws: 400 naming the parameter when it is neither.
    static func timeParameter(_ request: Request, _ name: String) throws -> Date? {
        guard let text = request.uri.queryParameters[name[...]].map(String.init), !text.isEmpty else { return nil }
        if let date = RFC3339.date(from: text) ?? RFC3339.date(from: text + ":00Z") ?? RFC3339.date(from: text + "Z") {
            return date
        }
        throw Request.invalidParameter(name, "must be a time such as 2030-01-15T10:00:00Z or 2030-01-15T10:00 (UTC)")
    }
}
