public import Chronicle
public import ChronicleProjections
import Foundation
import HTTPTypes
public import Hummingbird
import NIOCore

/// The event log over HTTP, for other services to follow: JSON pages and Server-Sent Events.
///
/// | route | answers |
/// |---|---|
/// | `GET <prefix>/events?after=&limit=&type=&entity_type=` | a page of the log in position order: `{"events": [EventDocument], "next_after", "head"}` |
/// | `GET <prefix>/events/stream?after=&type=&entity_type=` | `text/event-stream`: one message per event, `id:` its position; `Last-Event-ID` resumes; `after=now` starts at the head |
///
/// Both read the log through the store's gap-free reader (`EventStore.readLog`),
/// so a consumer that resumes after the last position it saw never skips or repeats an event,
/// even when writers commit out of position order. Both ask the same authorization check,
/// which names the ``EventFeedConsumer``: which events it may see and what is redacted.
///
/// ```swift
/// let feed = EventFeed<AppContext>(app: app) { request, context in
///     guard request.headers[.authorization] == "Bearer \(secret)" else {
///         throw ChronicleHTTPError.unauthorized("A bearer token is required.")
///     }
///     return EventFeedConsumer(name: "billing")
/// }
/// feed.addRoutes(to: router, atPath: "/feed")
/// ```
public struct EventFeed<Context: RequestContext>: Sendable {
    /// Decides who a request is: the consumer, or a thrown 401 or 403
    /// (``ChronicleHTTPError/unauthorized(_:challenge:)``, ``ChronicleHTTPError/forbidden(_:)``).
    public typealias Authorization = @Sendable (Request, Context) async throws -> EventFeedConsumer

    /// How the feed pages, polls and keeps streams alive.
    public struct Configuration: Sendable {
        /// The page size when the request names none.
        public var defaultLimit: Int
        /// The largest page a request may ask for.
        public var maximumLimit: Int
        /// How many events one read of the log takes.
        public var batchSize: Int
        /// How many events one page request reads at most while filtering: a page may hold
        /// fewer events than asked (even none) and still have a `next_after` beyond them.
        public var scanLimit: Int
        /// How often a caught-up stream looks for new events when no append notification
        /// arrives (appends of other processes on SQLite, say).
        public var pollInterval: Duration
        /// How long a stream may stay silent before it sends a comment line that keeps
        /// proxies and clients from closing it.
        public var heartbeat: Duration
        /// The reconnection delay a stream suggests to clients (`retry:`).
        public var reconnectDelay: Duration

        /// The defaults: pages of 100 (at most 1,000), reads of 500, scans of 10,000 events,
        /// a poll each second, a heartbeat each 15 seconds, reconnection after 1 second.
        public init(
            defaultLimit: Int = 100, maximumLimit: Int = 1_000, batchSize: Int = 500, scanLimit: Int = 10_000,
            pollInterval: Duration = .seconds(1), heartbeat: Duration = .seconds(15), reconnectDelay: Duration = .seconds(1)
        ) {
            self.defaultLimit = defaultLimit
            self.maximumLimit = maximumLimit
            self.batchSize = batchSize
            self.scanLimit = scanLimit
            self.pollInterval = pollInterval
            self.heartbeat = heartbeat
            self.reconnectDelay = reconnectDelay
        }
    }

    /// The store whose log is served.
    public let store: any EventStore
    /// How the feed pages, polls and keeps streams alive.
    public let configuration: Configuration
    let appendNotifications: (@Sendable () -> AsyncStream<Void>)?
    let authorize: Authorization

    /// Creates the feed of a store.
    ///
    /// - Parameters:
    ///   - store: The store whose log is served.
    ///   - appendNotifications: Signals after appends, so that streams send new events at once
    ///     rather than at their next poll; `nil` polls only.
    ///   - configuration: Paging, polling and heartbeats.
    ///   - authorize: Who a request is, or a thrown 401 or 403.
    public init(
        store: any EventStore, appendNotifications: (@Sendable () -> AsyncStream<Void>)? = nil,
        configuration: Configuration = Configuration(), authorize: @escaping Authorization
    ) {
        self.store = store
        self.appendNotifications = appendNotifications
        self.configuration = configuration
        self.authorize = authorize
    }

    /// Creates the feed of an application's store, woken by its append notifications.
    ///
    /// - Parameters:
    ///   - app: The application.
    ///   - configuration: Paging, polling and heartbeats.
    ///   - authorize: Who a request is, or a thrown 401 or 403.
    public init(app: EventSourcedApp, configuration: Configuration = Configuration(), authorize: @escaping Authorization) {
        let store = app.store
        self.init(store: store, appendNotifications: { store.appendNotifications() }, configuration: configuration, authorize: authorize)
    }

    /// Adds `GET <prefix>/events` and `GET <prefix>/events/stream`.
    ///
    /// - Parameters:
    ///   - router: The router or group.
    ///   - prefix: The path before `/events`, such as `/feed`; empty by default.
    public func addRoutes(to router: some RouterMethods<Context>, atPath prefix: String = "") {
        let group = router.group(RouterPath(prefix))
        group.get("events") { request, context in try await page(request, context) }
        group.get("events/stream") { request, context in try await stream(request, context) }
    }

    /// `GET <prefix>/events`: one page of the log after a position.
    func page(_ request: Request, _ context: Context) async throws -> Response {
        let consumer = try await authorize(request, context)
        let filter = EventFeedFilter(request)
        let after = try request.integerParameter("after", in: 0...Int64.max) ?? 0
        let limit = try request.integerParameter("limit", in: 1...configuration.maximumLimit) ?? configuration.defaultLimit
        var cursor = after
        var documents: [EventDocument] = []
        var scanned = 0
        reading: while documents.count < limit, scanned < configuration.scanLimit {
            let batchSize = min(configuration.batchSize, max(limit, 100))
            let batch = try await store.readLog(after: cursor, limit: batchSize)
            for event in batch {
                cursor = event.position
                scanned += 1
                if filter.matches(event), consumer.includes(event) {
                    documents.append(try consumer.document(of: event))
                    if documents.count == limit { break reading }
                }
            }
            if batch.count < batchSize { break }
        }
        let page = EventFeedPage(events: documents, nextAfter: cursor, head: try await store.headPosition())
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: try EventDocument.encoder.encode(page))))
    }
}

/// The event types and entity types a request asks for (`type=`, `entity_type=`), each a list
/// that may repeat or use commas; an empty list asks for all.
struct EventFeedFilter: Sendable {
    let eventTypes: Set<String>
    let entityTypes: Set<String>

    init(_ request: Request) {
        eventTypes = Set(request.listParameter("type"))
        entityTypes = Set(request.listParameter("entity_type"))
    }

    func matches(_ event: RecordedEvent) -> Bool {
        (eventTypes.isEmpty || eventTypes.contains(event.eventType))
            && (entityTypes.isEmpty || entityTypes.contains(event.stream.entityType))
    }
}
