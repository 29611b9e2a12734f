import AsyncHTTPClient
import Chronicle
import ChronicleBrowser
import ChronicleProjections
import ChronicleSQL
import Foundation
import Hummingbird
import NIOCore
import NIOHTTP1
import SQLKit

/// The event browser's pages over a large log, fetched over HTTP on loopback (rendering and
/// the server included), beside the SQL each page runs, sent through the same driver.
struct BrowserBenchmark {
    var target: BenchTarget
    var events: Int
    var requests: Int

    /// One page: its path, and the SQL it runs.
    struct Page {
        var name: String
        var path: String
        var sql: @Sendable (any SQLEventStore) async throws -> Void
    }

    func run() async throws -> [ResultRow] {
        let (events, requests, name) = (events, requests, target.name)
        var pageNames: [String] = []
        let series = try await target.withStore(RebuildBenchmark.writers) { store in
            try await RebuildBenchmark.seed(store, events: events, correlated: true)
            guard let store = store as? any ServedSQLEventStore else { throw BenchError("The browser needs a SQL store.") }
            let app = EventSourcedApp(store: store, readSide: ReadSide(database: store))
            let pages = try await Self.pages(store, events: events)
            let router = Router()
            EventBrowser<BasicRequestContext>(app: app, authorize: { _, _ in }).addRoutes(to: router, atPath: "/browse")
            let (ports, port) = AsyncStream<Int>.makeStream()
            let server = Application(
                router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { channel in port.yield(channel.localAddress?.port ?? 0) })
            return try await withThrowingTaskGroup(of: [[Double]].self) { group in
                group.addTask {
                    try await server.runService(gracefulShutdownSignals: [])
                    return []
                }
                defer { group.cancelAll() }
                var iterator = ports.makeAsyncIterator()
                guard let listening = await iterator.next() else { throw BenchError("The browser's server did not start.") }
                var figures: [[Double]] = []
                for page in pages {
                    figures.append(try await Self.timings(requests) { try await Self.fetch("http://127.0.0.1:\(listening)/browse\(page.path)") })
                    figures.append(try await Self.timings(requests) { try await page.sql(store) })
                }
                return figures
            }
        }
        pageNames = Self.pageNames
        return pageNames.enumerated().map { index, page in
            ResultRow(
                store: name, operation: "browser page over \(events.formatted()) events", detail: page,
                figures: series[2 * index], unit: .milliseconds, baseline: series[2 * index + 1])
        }
    }

    static let pageNames = [
        "log, newest", "log, a page in the middle", "log by event type", "log by entity type", "log by time range", "event",
        "stream", "correlation", "search by event id", "projections",
    ]

    /// The pages, and the queries each runs, in the order of ``pageNames``.
    static func pages(_ store: any SQLEventStore, events: Int) async throws -> [Page] {
        let middle = Int64(events / 2)
        guard let sample = try await store.storedEvents(matching: EventLogQuery(before: middle, limit: 1)).first,
            let quarter = try await store.storedEvents(matching: EventLogQuery(before: Int64(events / 4), limit: 1)).first,
            let threeQuarters = try await store.storedEvents(matching: EventLogQuery(before: Int64(events * 3 / 4), limit: 1)).first
        else { throw BenchError("The log is empty.") }
        let id = sample.id.uuidString.lowercased()
        let entity = sample.stream.entityID
        let correlation = sample.metadata.correlationID ?? ""
        let from = RFC3339.string(from: quarter.createdAt), until = RFC3339.string(from: threeQuarters.createdAt)
        func log(_ query: EventLogQuery) -> @Sendable (any SQLEventStore) async throws -> Void {
            { store in _ = try await store.storedEvents(matching: query) }
        }
        return [
            Page(name: pageNames[0], path: "/", sql: log(EventLogQuery(limit: 51))),
            Page(name: pageNames[1], path: "/?before=\(middle)", sql: log(EventLogQuery(before: middle, limit: 51))),
            Page(name: pageNames[2], path: "/?type=\(BenchAccountOpened.eventType)", sql: log(EventLogQuery(eventTypes: [BenchAccountOpened.eventType], limit: 51))),
            Page(name: pageNames[3], path: "/?entity_type=bench-account", sql: log(EventLogQuery(entityTypes: ["bench-account"], limit: 51))),
            Page(
                name: pageNames[4], path: "/?from=\(from)&until=\(until)",
                sql: log(EventLogQuery(from: quarter.createdAt, until: threeQuarters.createdAt, limit: 51))),
            Page(name: pageNames[5], path: "/events/\(id)") { store in
                _ = try await store.storedEvent(id: sample.id)
                _ = try await store.storedEvents(correlatedWith: correlation)
            },
            Page(name: pageNames[6], path: "/streams/\(entity)") { store in
                _ = try await store.storedEvents(ofEntity: entity, limit: 51)
            },
            Page(name: pageNames[7], path: "/correlations/\(correlation)") { store in _ = try await store.storedEvents(correlatedWith: correlation) },
            Page(name: pageNames[8], path: "/search?q=\(id)") { store in _ = try await store.storedEvent(id: sample.id) },
            Page(name: pageNames[9], path: "/projections") { store in _ = try await store.headPosition() },
        ]
    }

    /// Milliseconds of each of `count` runs, after three to warm up.
    static func timings(_ count: Int, _ work: () async throws -> Void) async throws -> [Double] {
        for _ in 0..<3 { try await work() }
        var figures: [Double] = []
        let clock = ContinuousClock()
        for _ in 0..<count {
            let elapsed = try await clock.measure { try await work() }
            figures.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1_000)
        }
        return figures
    }

    /// One page, which must answer 200 (a search answers 303 to the event's page, not followed).
    static func fetch(_ url: String) async throws {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 16 << 20)
        guard response.status == .ok || response.status == .seeOther, body.readableBytes > 0 || response.status == .seeOther else {
            throw BenchError("\(url) answered \(response.status): \(String(buffer: body).prefix(300))")
        }
    }
}
