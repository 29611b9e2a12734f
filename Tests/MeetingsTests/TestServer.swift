import Chronicle
import ChronicleProjections
import ChronicleSQL
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
@testable import MeetingsServer
import NIOCore
import PostgresNIO
import Prometheus
import SQLKit
import TestSupport
import Testing

/// The app served over real HTTP on a fresh database, with a clock the test moves.
struct TestServer: Sendable {
    /// One response.
    struct Reply: Sendable, CustomStringConvertible {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: String

        /// The body as JSON.
        var json: JSONValue {
            (try? JSONDecoder().decode(JSONValue.self, from: Data(body.utf8))) ?? .null
        }

        /// `error.code` of an error body.
        var errorCode: String? { json["error"]?["code"]?.stringValue }

        var description: String { "\(status.code) \(body)" }
    }

    let client: any TestClientProtocol
    let app: EventSourcedApp
    let clock: TestClock
    let tokens: SessionTokens
    /// The `--database-url` of the server's database.
    let databaseURL: String

    static let secret = Data("a test secret that is long enough for HMAC-SHA256".utf8)

    /// Serves the app on a new database of a backend, runs `body`, and stops. `ceilingRoutes`
    /// adds the benchmarks' ceiling routes (`meetings serve --ceiling-routes`).
    static func with(_ backend: Backend, ceilingRoutes: Bool = false, _ body: @Sendable (TestServer) async throws -> Void) async throws {
        try await backend.withDatabase { url in try await serve(url, ceilingRoutes: ceilingRoutes, body) }
    }

    /// Serves the app on a database (migrating it first, unless told not to), runs `body`, and stops.
    /// With `replicaURL`, its read routes read from that standby of the database.
    ///
    /// Readiness waits up to 10 s for the database, not the app's default 900 ms: the suite's
    /// tests share two cores. The fault tests pass the default, whose bound they check.
    @discardableResult
    static func serve<Result: Sendable>(
        _ url: String, clock: TestClock = TestClock(Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))),
        migrating: Bool = true, operationTimeout: Duration = .seconds(5), readinessTimeout: Duration = .seconds(10), logger: Logger? = nil,
        ceilingRoutes: Bool = false, replicaURL: String? = nil, _ body: @Sendable (TestServer) async throws -> Result
    ) async throws -> Result {
        var logger = logger ?? Logger(label: "meetings.tests")
        if logger.label == "meetings.tests" { logger.logLevel = .critical }
        let metrics = PrometheusCollectorRegistry()
        return try await EventSourcedApp.meetings(
            url: url, replicaURL: replicaURL, now: { clock.now }, logger: logger, pollInterval: .milliseconds(20), operationTimeout: operationTimeout,
            metrics: PrometheusMetricsFactory(registry: metrics)
        ) { app in
            if migrating { try await app.migrate() }
            let tokens = await SessionTokens(secret: secret, now: { clock.now })
            let api = MeetingsAPI(app: app, tokens: tokens, now: { clock.now }, readinessTimeout: readinessTimeout, metrics: metrics)
            return try await MeetingsServer.application(api: api, port: 0, logger: logger, ceilingRoutes: ceilingRoutes).test(.live) { client in
                try await body(TestServer(client: client, app: app, clock: clock, tokens: tokens, databaseURL: url))
            }
        }
    }

    /// A request, as a user (with a valid token) or anonymous, checked against `openapi.yaml`
    /// (unless it is a method no route documents). A JSON body goes with
    /// `Content-Type: application/json` unless the headers name another.
    ///
    /// With `patiently`, the request goes on a connection of its own that waits up to two
    /// minutes for the answer (instead of the test client's 20 s): for requests queued behind
    /// many others.
    @discardableResult
    func send(
        _ method: HTTPRequest.Method, _ path: String, as user: Int? = nil, json: String? = nil, headers: HTTPFields = [:],
        documented: Bool = true, patiently: Bool = false, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Reply {
        var headers = headers
        if let user { headers[.authorization] = "Bearer \(try await tokens.issue(for: user).token)" }
        if json != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        let reply: Reply
        if patiently, let port = client.port {
            reply = try await Self.request(port, method, path, headers: headers, json: json)
        } else {
            reply = try await client.execute(uri: path, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }) { response in
                Reply(status: response.status, headers: response.headers, body: String(buffer: response.body))
            }
        }
        if documented {
            OpenAPIDocument.shared.expectDocumented(method, path, reply.status, sourceLocation: sourceLocation)
        }
        return reply
    }

    /// Sends a request every 200 ms until it answers `expected` or the deadline passes, as a
    /// client waiting for the server to recover would; the last reply.
    func send(
        until expected: HTTPResponse.Status, before deadline: ContinuousClock.Instant,
        _ method: HTTPRequest.Method, _ path: String, as user: Int? = nil, json: String? = nil, headers: HTTPFields = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Reply {
        var reply = try await send(method, path, as: user, json: json, headers: headers, sourceLocation: sourceLocation)
        while reply.status != expected && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            reply = try await send(method, path, as: user, json: json, headers: headers, sourceLocation: sourceLocation)
        }
        return reply
    }

    /// One request to a server on a port, on a connection of its own that waits up to two
    /// minutes for the answer.
    static func request(
        _ port: Int, _ method: HTTPRequest.Method, _ path: String, headers: HTTPFields = [:], json: String? = nil
    ) async throws -> Reply {
        let client = TestClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(120)))
        client.connect()
        defer { Task { try? await client.shutdown() } }
        var headers = headers
        if json != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        let response = try await client.execute(.init(path, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }))
        return Reply(status: response.status, headers: response.headers, body: response.body.map { String(buffer: $0) } ?? "")
    }

    /// Schedules a meeting organized by `organizer`; its id.
    func schedule(
        by organizer: Int = 1, inviting invitees: [Int] = [2, 3], title: String = "Retro", in interval: TimeInterval = 86_400,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> String {
        let reply = try await send(
            .post, "/meetings", as: organizer,
            json: #"{"title": "\#(title)", "starts_at": "\#(Self.time(clock.now + interval))", "invitee_ids": \#(invitees)}"#,
            sourceLocation: sourceLocation)
        #expect(reply.status == .created, "\(reply)", sourceLocation: sourceLocation)
        return try #require(reply.json["id"]?.stringValue, sourceLocation: sourceLocation)
    }

    /// The app's read side.
    var readSide: ReadSide { app.readSide }

    /// The log's head: what has been written.
    func head() async throws -> Int64 {
        try await readSide.database.headPosition()
    }

    /// Every row of a table, each as text, in a stable order.
    func rows(_ table: String, orderedBy order: String) async throws -> [String] {
        try await readSide.database.withReadConnection { sql in
            try await sql.raw("SELECT * FROM \(ident: table) ORDER BY \(unsafeRaw: order)").all().map { row in
                row.allColumns.sorted().map { column in
                    let text = try? row.decode(column: column, as: String?.self)
                    let number = try? row.decode(column: column, as: Int64?.self)
                    // An integer column first: PostgreSQL hands a BIGINT's raw bytes to a String decode.
                    return "\(column)=\(number.flatMap { $0 }.map(String.init) ?? text.flatMap { $0 } ?? "null")"
                }.joined(separator: " ")
            }
        }
    }

    /// Waits until the async projections and the reactors have handled the whole log.
    func waitForReadSide(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let head = try await head()
        let deadline = ContinuousClock.now + .seconds(30)
        var status: ReadSideStatus?
        while ContinuousClock.now < deadline {
            let current = try await readSide.status()
            if current.projections.allSatisfy({ $0.checkpoint.map { $0 >= head } ?? true }) && current.reactors.allSatisfy({ ($0.checkpoint ?? 0) >= head }) {
                return
            }
            status = current
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("The read side did not reach position \(head) in 30 s: \(String(describing: status))", sourceLocation: sourceLocation)
    }

    /// An ISO 8601 time for a JSON body.
    static func time(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }
}

