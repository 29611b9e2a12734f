import Chronicle
import ChronicleHummingbird
import ChronicleProjections
import Foundation
import Hummingbird

extension EventBrowser {
    /// `<prefix>/events/{id}`: one event, where it came from and what it caused.
    func eventPage(_ request: Request, _ context: Context, base: String) async throws -> Response {
        let text = try Self.pathParameter(context, "id")
        guard let id = UUID(uuidString: text), let event = try await app.store.storedEvent(id: id) else {
            throw Self.notFound("No event has the id \(text).")
        }
        // As readers see it: personal fields decrypted (or forgotten), then upcast.
        let upcast = try? await app.store.readable([event])
        let changed = upcast.map { $0 != [event] } ?? false
        var group: [RecordedEvent] = []
        if let correlationID = event.metadata.correlationID { group = try await app.store.storedEvents(correlatedWith: correlationID) }
        let ownID = event.id.uuidString.lowercased()
        let children = group.filter { $0.metadata.causationID == ownID }

        var parent: [String: Any] = [:]
        if let causation = event.metadata.causationID {
            if let parentID = UUID(uuidString: causation), let cause = try await app.store.storedEvent(id: parentID) {
                parent = Self.row(cause, base: base)
            } else {
                parent = ["text": causation]
            }
        }
        var metadata: [[String: Any]] = [
            ("actor", event.metadata.actor), ("correlation_id", event.metadata.correlationID), ("causation_id", event.metadata.causationID),
            ("request_id", event.metadata.requestID),
        ].compactMap { key, value in value.map { ["key": key, "value": $0] } }
        metadata += event.metadata.custom.sorted { $0.key < $1.key }.map { ["key": $0.key, "value": BrowserPage.pretty($0.value)] }

        return try BrowserPage.response(
            "event", title: "Event \(event.position)", base: base,
            values: [
                "event": Self.row(event, base: base),
                "id": ownID,
                "data": BrowserPage.pretty(event.data),
                "metadata": metadata,
                "upcastChanged": changed,
                "upcast": (upcast ?? []).map { ["eventType": $0.eventType, "schemaVersion": $0.schemaVersion, "data": BrowserPage.pretty($0.data)] },
                "upcastFailed": upcast == nil,
                "hasParent": !parent.isEmpty,
                "parent": parent,
                "children": children.map { Self.row($0, base: base) },
                "hasGroup": group.count > 1,
                "group": group.map { Self.row($0, base: base, current: event) },
                "correlationLink": event.metadata.correlationID.map { "\(base)/correlations/\(BrowserPage.segment($0))" } ?? "",
                "consumers": try await consumers(of: event),
            ])
    }

    /// `<prefix>/correlations/{id}`: everything one request or command caused, in order.
    func correlationPage(_ request: Request, _ context: Context, base: String) async throws -> Response {
        let id = try Self.pathParameter(context, "id")
        let group = try await app.store.storedEvents(correlatedWith: id)
        guard !group.isEmpty else { throw Self.notFound("No event has the correlation id \(id).") }
        let ids = Set(group.map { $0.id.uuidString.lowercased() })
        return try BrowserPage.response(
            "correlation", title: "Correlation \(id)", base: base,
            values: [
                "id": id,
                "events": group.map { event in
                    var row = Self.row(event, base: base)
                    let cause = event.metadata.causationID
                    row["cause"] = cause.map { ids.contains($0) ? "event " + String($0.prefix(8)) : $0 } ?? ""
                    row["depth"] = Self.depth(of: event, in: group)
                    return row
                },
            ])
    }

    /// `<prefix>/streams/{id}`: one entity's events, and its state at a version.
    func streamPage(_ request: Request, _ context: Context, base: String) async throws -> Response {
        let entityID = try Self.pathParameter(context, "id")
        let after = try request.integerParameter("after", in: 0...Int.max) ?? 0
        var events = try await app.store.storedEvents(ofEntity: entityID, after: after, limit: pageSize + 1)
        let hasMore = events.count > pageSize
        events = Array(events.prefix(pageSize))
        var first = events.first
        if first == nil { first = try await app.store.storedEvents(ofEntity: entityID, limit: 1).first }
        guard let first else {
            throw Self.notFound("No entity has the id \(entityID).")
        }
        let entityType = first.stream.entityType
        let segment = BrowserPage.segment(entityID)
        let latest = try await version(of: first.stream)
        let version = try request.integerParameter("version", in: 1...Swift.max(latest, 1)) ?? latest

        var state: [String: Any] = ["registered": aggregates[entityType] != nil]
        if let aggregate = aggregates[entityType] {
            do {
                state["text"] = try await aggregate.state(app.aggregates(), entityID, version)
            } catch {
                state["error"] = String(describing: error)
            }
        }
        let archived = try await archivedRows(of: entityID)
        return try BrowserPage.response(
            "stream", title: "\(entityType) \(entityID)", base: base,
            values: [
                "entityType": entityType,
                "entityID": entityID,
                "events": events.map { event in
                    var row = Self.row(event, base: base)
                    row["selected"] = event.version == version
                    return row
                },
                "version": version,
                "latest": latest,
                "state": state,
                "moreLink": hasMore ? "\(base)/streams/\(segment)?after=\(events.last?.version ?? 0)&version=\(version)" : "",
                "archived": archived,
                "hasArchived": !archived.isEmpty,
                "firstLink": after > 0 ? "\(base)/streams/\(segment)?version=\(version)" : "",
            ])
    }

    /// The entity's archived events, as readers see them, when it was archived.
    private func archivedRows(of entityID: String) async throws -> [[String: Any]] {
        try await app.store.archivedEvents(ofEntity: entityID, limit: 1_000).map { event in
            [
                "version": event.version, "position": event.position, "time": BrowserPage.time(event.createdAt), "eventType": event.eventType,
                "data": BrowserPage.pretty(event.data),
            ]
        }
    }

    /// The entity's newest version.
    private func version(of stream: StreamName) async throws -> Int {
        try await app.store.withReadConnection { sql in
            try await sql.raw("SELECT MAX(version) AS version FROM chronicle_events WHERE entity_id = \(bind: stream.entityID)")
                .first()?.decode(column: "version", as: Int?.self) ?? 0
        }
    }

    /// Which projections and reactors handle an event, and whether they have.
    private func consumers(of event: RecordedEvent) async throws -> [[String: Any]] {
        let status = try await app.readSide.status()
        let parked = try await app.readSide.parkedEvents().filter { $0.position == event.position }
        var rows: [[String: Any]] = []
        for projection in status.projections where app.readSide.eventTypes(handledBy: projection.name)?.contains(event.eventType) == true {
            rows.append(Self.consumerRow(
                projection.name, kind: "\(projection.mode.rawValue) projection", checkpoint: projection.mode == .inline ? event.position : projection.checkpoint,
                event: event, parked: parked.contains { $0.consumer == projection.name }))
        }
        for reactor in status.reactors where app.readSide.eventTypes(handledBy: reactor.name)?.contains(event.eventType) == true {
            let before = (reactor.registeredPosition ?? 0) >= event.position
            rows.append(Self.consumerRow(
                reactor.name, kind: "reactor", checkpoint: reactor.checkpoint, event: event, parked: parked.contains { $0.consumer == reactor.name },
                note: before ? "registered after this event: never runs for it" : nil))
        }
        return rows
    }

    private static func consumerRow(_ name: String, kind: String, checkpoint: Int64?, event: RecordedEvent, parked: Bool, note: String? = nil) -> [String: Any] {
        let handled = (checkpoint ?? 0) >= event.position
        return ["name": name, "kind": kind, "state": note ?? (parked ? "parked" : handled ? "handled" : "not yet")]
    }

    /// How many causation steps lead from the group's first event to this one.
    static func depth(of event: RecordedEvent, in group: [RecordedEvent]) -> Int {
        let byID = Dictionary(group.map { ($0.id.uuidString.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
        var depth = 0
        var current = event
        while let cause = current.metadata.causationID, let parent = byID[cause], depth < 50 {
            depth += 1
            current = parent
        }
        return depth
    }

    /// The browser's 404.
    static func notFound(_ message: String) -> ChronicleHTTPError {
        ChronicleHTTPError(status: .notFound, body: ChronicleHTTPError.error(code: "not_found", message: message))
    }
}
