import AsyncHTTPClient
import Bank
import BankHTTP
import BankHummingbird
import BankVapor
import Chronicle
import ChronicleProjections
import Foundation
import Hummingbird
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import TestSupport
import Vapor

/// The web frameworks the bank is served with: every case of the HTTP behaviour suite runs
/// against each.
enum Framework: String, CaseIterable, Sendable, CustomStringConvertible {
    case hummingbird
    case vapor

    var description: String { rawValue }

    /// Serves the bank on a new database of a backend, runs `body` with a client of it, and stops.
    func serve(on backend: Backend, readTimeout: Duration = .seconds(2), _ body: @Sendable (BankClient) async throws -> Void) async throws {
        try await backend.withDatabase { url in
            try await serve(url: url, readTimeout: readTimeout, body)
        }
    }

    /// Serves the bank on a database (migrated first), runs `body`, and stops.
    func serve(url: String, readTimeout: Duration = .seconds(2), _ body: @Sendable (BankClient) async throws -> Void) async throws {
        try await EventSourcedApp.bank(url: url, pollInterval: .milliseconds(20)) { chronicle in
            try await chronicle.migrate()
            let api = BankAPI(app: chronicle, feedToken: BankClient.feedToken)
            switch self {
            case .hummingbird:
                try await Self.serveWithHummingbird(api, readTimeout: readTimeout, body)
            case .vapor:
                try await Self.serveWithVapor(api, readTimeout: readTimeout, body)
            }
        }
    }

    /// The servers' logger: only what is critical.
    static let logger = {
        var logger = Logger(label: "bank.tests")
        logger.logLevel = .critical
        return logger
    }()

    private static func serveWithHummingbird(_ api: BankAPI, readTimeout: Duration, _ body: @Sendable (BankClient) async throws -> Void) async throws {
        let (ports, listening) = AsyncStream<Int>.makeStream()
        let app = BankHummingbird.application(api: api, port: 0, readTimeout: readTimeout, logger: Self.logger) { port in listening.yield(port) }
        let services = ServiceGroup(configuration: .init(services: [app, api.app], gracefulShutdownSignals: [], logger: Self.logger))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            do {
                guard let port = await iterator.next() else { throw TestSupportError("The Hummingbird server did not start.") }
                try await body(BankClient(port: port))
            } catch {
                await services.triggerGracefulShutdown()
                throw error
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
        }
    }

    private static func serveWithVapor(_ api: BankAPI, readTimeout: Duration, _ body: @Sendable (BankClient) async throws -> Void) async throws {
        let app = try await Vapor.Application.make(.testing)
        app.logger = Self.logger
        BankVapor.configure(app, api: api, readTimeout: readTimeout)
        let server = app.http.server.shared
        do {
            try await app.asyncBoot()
            try await server.start(address: .hostname("127.0.0.1", port: 0))
            guard let port = server.localAddress?.port else { throw TestSupportError("The Vapor server did not start.") }
            try await body(BankClient(port: port))
        } catch {
            try? await app.asyncShutdown()
            await server.shutdown()
            throw error
        }
        try await app.asyncShutdown()
        await server.shutdown()
    }
}

/// A client of the bank served on a port.
struct BankClient: Sendable {
    /// The event feed's bearer token in the tests.
    static let feedToken = "feed-token-for-tests"

    /// The server's port.
    let port: Int

    /// One response.
    struct Reply: Sendable, CustomStringConvertible {
        var status: Int
        var headers: HTTPHeaders
        var body: String

        /// The body as JSON.
        var json: JSONValue { (try? JSONDecoder().decode(JSONValue.self, from: Data(body.utf8))) ?? .null }
        /// `error.code` of an error body.
        var errorCode: String? { json["error"]?["code"]?.stringValue }
        /// A header's value.
        func header(_ name: String) -> String? { headers.first(name: name) }

        var description: String { "\(status) \(body)" }
    }

    /// A request. A body goes with `Content-Type: application/json` unless the headers name another.
    @discardableResult
    func send(_ method: NIOHTTP1.HTTPMethod, _ path: String, body: String? = nil, headers: [(String, String)] = []) async throws -> Reply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            if !headers.contains(where: { $0.0.lowercased() == "content-type" }) { request.headers.add(name: "Content-Type", value: "application/json") }
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 * 1_024 * 1_024)
        return Reply(status: Int(response.status.code), headers: response.headers, body: String(buffer: bytes))
    }

    /// A read sent again after each 503 `read_side_behind`, for up to a minute; the last reply.
    func readPatiently(_ method: NIOHTTP1.HTTPMethod, _ path: String, headers: [(String, String)]) async throws -> Reply {
        let deadline = ContinuousClock.now + .seconds(60)
        var reply = try await send(method, path, headers: headers)
        while reply.status == 503, reply.errorCode == "read_side_behind", ContinuousClock.now < deadline {
            try await Task.sleep(for: .seconds(Int(reply.header("Retry-After") ?? "1") ?? 1))
            reply = try await send(method, path, headers: headers)
        }
        return reply
    }

    /// Opens an account; its reply.
    @discardableResult
    func open(_ id: String, holder: String = "Ada") async throws -> Reply {
        try await send(.POST, "/accounts", body: #"{"account_id": "\#(id)", "holder": "\#(holder)"}"#)
    }

    /// The feed's page after a position.
    func feed(after: Int64 = 0) async throws -> Reply {
        try await send(.GET, "/feed/events?after=\(after)&limit=1000", headers: [("Authorization", "Bearer \(Self.feedToken)")])
    }

    /// The feed's events once it shows at least `count` of them, or after 30 s. The feed shows an
    /// event once no earlier position can still commit: on a database server that other tests
    /// share, their transactions can hold it back for a while.
    func feed(until count: Int) async throws -> [JSONValue] {
        let deadline = ContinuousClock.now + .seconds(30)
        var events = try await feed().json["events"]?.arrayValue ?? []
        while events.count < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            events = try await feed().json["events"]?.arrayValue ?? []
        }
        return events
    }

    /// The log's head, as the feed tells it.
    func head() async throws -> Int64 {
        try await feed().json["head"]?.intValue.map(Int64.init) ?? -1
    }
}
