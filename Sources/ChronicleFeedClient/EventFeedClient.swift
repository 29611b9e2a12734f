public import AsyncHTTPClient
public import Chronicle
import Foundation
public import Logging
import NIOCore
public import NIOHTTP1

/// Follows a Chronicle event feed over HTTP (the routes of `EventFeed` in
/// `ChronicleHummingbird`): every event after a position, in order, then each new one as it is
/// appended.
///
/// ```swift
/// let feed = EventFeedClient(url: "https://meetings.example/feed", headers: ["Authorization": "Bearer \(token)"])
/// for try await event in feed.events(after: checkpoint) {
///     try await handle(event)
///     checkpoint = event.position
/// }
/// ```
///
/// The stream resumes by itself: when the connection drops, the server restarts or the
/// database fails, the client waits (with backoff and jitter) and reconnects with
/// `Last-Event-ID`, so the sequence neither skips nor repeats an event. It ends only when the
/// task is cancelled, or throws ``EventFeedClientError`` when the server refuses the request
/// (a 4xx other than 408 and 429: wrong token, no permission, bad parameter), which retrying
/// cannot fix.
///
/// To notice a connection that died silently, give the `HTTPClient` a read timeout longer
/// than the server's heartbeat (15 seconds by default).
public struct EventFeedClient: Sendable {
    /// How the client waits between reconnections.
    public struct Backoff: Sendable {
        /// The first wait.
        public var initial: Duration
        /// The longest wait.
        public var maximum: Duration

        /// Creates a backoff: the wait doubles from `initial` up to `maximum`, each with up to
        /// a quarter of random jitter, and starts over once events arrive again.
        public init(initial: Duration = .milliseconds(250), maximum: Duration = .seconds(30)) {
            self.initial = initial
            self.maximum = maximum
        }
    }

    /// The feed's base URL: the part before `/events`.
    public let url: String
    /// Headers sent with every request, such as `Authorization`.
    public let headers: HTTPHeaders
    /// Only these event types (the `type` parameter); all when empty.
    public let eventTypes: [String]
    /// Only these entity types (the `entity_type` parameter); all when empty.
    public let entityTypes: [String]
    /// How the client waits between reconnections.
    public let backoff: Backoff
    let httpClient: HTTPClient
    let logger: Logger

    /// Creates a client.
    ///
    /// - Parameters:
    ///   - url: The feed's base URL, such as `http://127.0.0.1:8080/feed`.
    ///   - headers: Headers sent with every request, such as `Authorization`.
    ///   - eventTypes: Only these event types; all when empty.
    ///   - entityTypes: Only these entity types; all when empty.
    ///   - backoff: How to wait between reconnections.
    ///   - httpClient: The HTTP client; the shared one by default.
    ///   - logger: Where reconnections are logged.
    public init(
        url: String, headers: HTTPHeaders = [:], eventTypes: [String] = [], entityTypes: [String] = [], backoff: Backoff = Backoff(),
        httpClient: HTTPClient = .shared, logger: Logger = Logger(label: "chronicle.feed-client")
    ) {
        self.url = url.hasSuffix("/") ? String(url.dropLast()) : url
        self.headers = headers
        self.eventTypes = eventTypes
        self.entityTypes = entityTypes
        self.backoff = backoff
        self.httpClient = httpClient
        self.logger = logger
    }

    /// Every event after a position, then each new one: an endless sequence that reconnects
    /// by itself.
    ///
    /// - Parameter position: The position of the last event already handled; 0 for the start.
    public func events(after position: Int64 = 0) -> EventFeedEvents {
        EventFeedEvents(client: self, after: position)
    }

    /// One page of the feed (`GET <url>/events`).
    ///
    /// - Parameters:
    ///   - position: Events after this position.
    ///   - limit: The most events; the server's default when `nil`.
    /// - Throws: ``EventFeedClientError`` when the server answers anything but 200, or the
    ///   HTTP client's error when it cannot reach the server.
    public func page(after position: Int64, limit: Int? = nil) async throws -> EventFeedPage {
        var query = [("after", String(position))]
        if let limit { query.append(("limit", String(limit))) }
        let response = try await httpClient.execute(request(path: "/events", query: query), timeout: .seconds(30), logger: logger)
        let body = try await response.body.collect(upTo: 64 << 20)
        guard response.status == .ok else { throw EventFeedClientError(status: response.status.code, body: String(buffer: body)) }
        return try EventDocument.decoder.decode(EventFeedPage.self, from: Data(body.readableBytesView))
    }

    /// A request to the feed with the client's headers and filters.
    func request(path: String, query: [(String, String)]) -> HTTPClientRequest {
        var query = query
        if !eventTypes.isEmpty { query.append(("type", eventTypes.joined(separator: ","))) }
        if !entityTypes.isEmpty { query.append(("entity_type", entityTypes.joined(separator: ","))) }
        var components = URLComponents()
        components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) }
        var request = HTTPClientRequest(url: url + path + (components.percentEncodedQuery.map { "?" + $0 } ?? ""))
        request.headers = headers
        return request
    }
}

/// The server refused a feed request, which retrying cannot fix.
public struct EventFeedClientError: Error, Sendable, CustomStringConvertible {
    /// The response's status code, such as 401 or 403.
    public let status: UInt
    /// The response's body: the server's JSON error.
    public let body: String

    /// Creates the error.
    public init(status: UInt, body: String) {
        self.status = status
        self.body = body
    }

    /// The status and the body.
    public var description: String { "The event feed answered \(status): \(body)" }
}
