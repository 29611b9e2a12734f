import Chronicle
import ChronicleHummingbird
import ChronicleProjections
import Foundation
import Hummingbird

extension EventBrowser {
    /// `<prefix>/projections`: every projection and reactor, and the operations on them.
    func projectionsPage(_ request: Request, _ context: Context, base: String) async throws -> Response {
        let status = try await app.readSide.status()
        var mayOperate = false
        if let authorizeOperations {
            mayOperate = (try? await authorizeOperations(request, context)) != nil
        }
        let jobs = await rebuilds.states()
        let waiting = Dictionary(grouping: try await app.readSide.parkedEvents().filter { $0.state == .parked }, by: \.consumer)
        func parked(_ name: String) -> [[String: Any]] {
            (waiting[name] ?? []).prefix(20).map { event in
                ["position": event.position, "link": "\(base)/events/\(event.eventID)", "eventType": event.eventType, "error": event.error]
            }
        }
        let head = status.head
        let now = Date()
        func leases(_ leases: [Lease]) -> [[String: Any]] {
            leases.map { lease in
                [
                    "partition": lease.partition, "partitioned": leases.count > 1, "holder": lease.holder ?? "nobody",
                    "state": lease.holder == nil ? "released" : lease.expiresAt < now ? "expired" : "held",
                    "heartbeat": lease.heartbeatAt.formatted(.iso8601), "failovers": lease.failovers,
                ]
            }
        }
        var rebuilding = false
        let projections: [[String: Any]] = status.projections.map { projection in
            var row: [String: Any] = [
                "name": projection.name, "mode": projection.mode.rawValue, "version": projection.version,
                "builtVersion": projection.builtVersion.map(String.init) ?? "–",
                "checkpoint": projection.checkpoint.map(String.init) ?? "–", "lag": projection.lag.map(String.init) ?? "–",
                "state": projection.state.rawValue, "unhealthy": projection.state != .live,
                "lastError": projection.lastError ?? "", "errorPosition": projection.errorPosition.map(String.init) ?? "",
                "errorLink": projection.errorPosition.map { "\(base)/positions/\($0)" } ?? "",
                "parked": projection.parkedEvents, "parkedEvents": parked(projection.name),
                "canRetry": mayOperate && (projection.state == .failing || projection.state == .degraded),
                "canRebuild": mayOperate, "name_segment": BrowserPage.segment(projection.name), "leases": leases(projection.leases),
            ]
            if let position = projection.rebuildPosition {
                row["rebuild"] = "online rebuild at position \(position) of \(head) (\(head > 0 ? position * 100 / head : 100) %)"
                rebuilding = true
            }
            switch jobs[projection.name] {
            case .running?:
                row["job"] = "rebuild running"
                rebuilding = true
            case .failed(let error)?: row["job"] = "the last rebuild failed: \(error)"
            case .finished?: row["job"] = "the last rebuild finished"
            case nil: break
            }
            return row
        }
        let reactors: [[String: Any]] = status.reactors.map { reactor in
            let healthy = reactor.state.rawValue == "live"
            var row: [String: Any] = ["name": reactor.name, "state": reactor.state.rawValue, "unhealthy": !healthy]
            row["checkpoint"] = reactor.checkpoint.map(String.init) ?? "–"
            row["lag"] = reactor.lag.map(String.init) ?? "–"
            row["lastError"] = reactor.lastError ?? ""
            row["errorPosition"] = reactor.errorPosition.map(String.init) ?? ""
            row["errorLink"] = reactor.errorPosition.map { "\(base)/positions/\($0)" } ?? ""
            row["parked"] = reactor.parkedEvents
            row["parkedEvents"] = parked(reactor.name)
            row["canRetry"] = mayOperate && !healthy
            row["name_segment"] = BrowserPage.segment(reactor.name)
            row["leases"] = leases(reactor.leases)
            return row
        }
        let notice = request.uri.queryParameters["notice"].map(String.init)
        return try BrowserPage.response(
            "projections", title: "Projections and reactors", base: base,
            values: [
                "head": head, "projections": projections, "reactors": reactors, "operations": mayOperate,
                "notice": notice.flatMap(Self.notices) ?? "",
            ],
            refresh: rebuilding ? 2 : nil)
    }

    /// `POST <prefix>/projections/{name}/retry|rebuild`: does it, then shows the page again.
    func perform(_ operation: String, _ request: Request, _ context: Context, actor: String, base: String) async throws -> Response {
        let name = try Self.pathParameter(context, "name")
        guard app.readSide.eventTypes(handledBy: name) != nil else { throw Self.notFound("No projection or reactor is named \(name).") }
        switch operation {
        case "retry":
            let outcomes = try await app.readSide.retryParked(name, actor: actor)
            let failed = outcomes.filter { !$0.succeeded }.count
            return Self.redirect("\(base)/projections?notice=retried-\(outcomes.count - failed)-\(failed)")
        default:
            guard app.readSide.projectionNames.contains(name) else { throw Self.notFound("\(name) is a reactor: only projections are rebuilt.") }
            let started = await rebuilds.start(name, on: app.readSide)
            return Self.redirect("\(base)/projections?notice=\(started ? "rebuilding" : "already-rebuilding")")
        }
    }

    /// The sentence of a notice code in the page's query.
    static func notices(_ code: String) -> String? {
        let parts = code.split(separator: "-")
        switch parts.first {
        case "retried" where parts.count == 3: return "Retried: \(parts[1]) handled, \(parts[2]) failed again."
        case "rebuilding": return "An online rebuild has started."
        case "already": return "A rebuild of this projection is already running."
        default: return nil
        }
    }
}
