public import Chronicle
public import ChronicleHTTP
public import ChronicleProjections
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
/// which names the `EventFeedConsumer`: which events it may see and what is redacted.
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
    /// (`ChronicleHTTPError.unauthorized(_:challenge:)`, `ChronicleHTTPError.forbidden(_:)`).
    public typealias Authorization = @Sendable (Request, Context) async throws -> EventFeedConsumer

    /// How the feed pages, polls and keeps streams alive.
    public typealias Configuration = EventFeedConfiguration

    /// The feed's work: pages and streams of the log.
    public let reader: EventFeedReader
    /// The store whose log is served.
    public var store: any EventStore { reader.store }
    /// How the feed pages, polls and keeps streams alive.
    public var configuration: Configuration { reader.configuration }
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
        reader = EventFeedReader(store: store, appendNotifications: appendNotifications, configuration: configuration)
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
        let body = try await reader.page(
            after: request.uri.queryParameters["after"], limit: request.uri.queryParameters["limit"], filter: Self.filter(request),
            consumer: consumer)
        return Response(status: .ok, headers: EventFeedReader.pageHeaders, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// `GET <prefix>/events/stream`: Server-Sent Events from a position on (`Last-Event-ID`, else
    /// `after`, a position or `now` for the current head), until the client goes, the database
    /// fails, or the server shuts down (see `EventFeedReader.follow`).
    func stream(_ request: Request, _ context: Context) async throws -> Response {
        let consumer = try await authorize(request, context)
        let filter = Self.filter(request)
        let start = try await reader.streamStart(lastEventID: request.headers[.lastEventID], after: request.uri.queryParameters["after"])
        let logger = context.logger
        let reader = reader
        return Response(status: .ok, headers: EventFeedReader.streamHeaders, body: ResponseBody { writer in
            try await reader.follow(from: start, filter: filter, consumer: consumer, logger: logger) { try await writer.write($0) }
            try await writer.finish(nil)
        })
    }

    /// The types a request asks for (`type=`, `entity_type=`), each a list that may repeat or
    /// use commas.
    static func filter(_ request: Request) -> EventFeedFilter {
        EventFeedFilter(eventTypes: request.listParameter("type"), entityTypes: request.listParameter("entity_type"))
    }
}
