public import Chronicle
public import ChronicleHTTP
public import ChronicleProjections
import HTTPTypes
import Logging
import NIOConcurrencyHelpers
import NIOCore
public import Vapor

/// The event log over HTTP, for other services to follow: JSON pages and Server-Sent Events,
/// the same routes, parameters and bodies as ChronicleHummingbird's feed.
///
/// | route | answers |
/// |---|---|
/// | `GET <prefix>/events?after=&limit=&type=&entity_type=` | a page of the log in position order: `{"events": [EventDocument], "next_after", "head"}` |
/// | `GET <prefix>/events/stream?after=&type=&entity_type=` | `text/event-stream`: one message per event, `id:` its position; `Last-Event-ID` resumes; `after=now` starts at the head |
///
/// Register it as a lifecycle handler too, so that its open streams end when the application
/// shuts down (Vapor waits for open responses before it stops):
///
/// ```swift
/// let feed = EventFeed(app: chronicle) { req in
///     guard req.headers.bearerAuthorization?.token == secret else {
///         throw ChronicleHTTPError.unauthorized("A bearer token is required.")
///     }
///     return EventFeedConsumer(name: "billing")
/// }
/// feed.register(on: app, atPath: "feed")
/// app.lifecycle.use(feed)
/// ```
public final class EventFeed: LifecycleHandler, Sendable {
    /// Decides who a request is: the consumer, or a thrown 401 or 403
    /// (`ChronicleHTTPError.unauthorized(_:challenge:)`, `ChronicleHTTPError.forbidden(_:)`).
    public typealias Authorization = @Sendable (Request) async throws -> EventFeedConsumer

    /// The feed's work: pages and streams of the log.
    public let reader: EventFeedReader
    let authorize: Authorization
    private let openStreams = NIOLockedValueBox(OpenStreams())

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
        configuration: EventFeedConfiguration = EventFeedConfiguration(), authorize: @escaping Authorization
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
    public convenience init(app: EventSourcedApp, configuration: EventFeedConfiguration = EventFeedConfiguration(), authorize: @escaping Authorization) {
        let store = app.store
        self.init(store: store, appendNotifications: { store.appendNotifications() }, configuration: configuration, authorize: authorize)
    }

    /// Adds `GET <prefix>/events` and `GET <prefix>/events/stream`.
    ///
    /// - Parameters:
    ///   - routes: The application or a group.
    ///   - prefix: The path before `/events`, such as `feed`; none by default.
    public func register(on routes: any RoutesBuilder, atPath prefix: PathComponent...) {
        let group = routes.grouped(prefix)
        group.get("events") { [self] request in try await page(request) }
        group.get("events", "stream") { [self] request in try await stream(request) }
    }

    /// Ends every open stream when the application shuts down.
    public func shutdownAsync(_ application: Application) async {
        let streams = openStreams.withLockedValue { open in
            open.stopped = true
            defer { open.byID = [:] }
            return open.byID.values
        }
        for stream in streams { stream.finish() }
    }

    /// `GET <prefix>/events`: one page of the log after a position.
    func page(_ request: Request) async throws -> Response {
        let consumer = try await authorize(request)
        let body = try await reader.page(
            after: request.queryValues("after").first, limit: request.queryValues("limit").first, filter: Self.filter(request),
            consumer: consumer)
        return Response(status: .ok, headers: HTTPHeaders(EventFeedReader.pageHeaders), body: .init(data: body))
    }

    /// `GET <prefix>/events/stream`: Server-Sent Events from a position on (`Last-Event-ID`, else
    /// `after`, a position or `now` for the current head), until the client goes, the database
    /// fails, or the application shuts down (see `EventFeedReader.follow`).
    func stream(_ request: Request) async throws -> Response {
        let consumer = try await authorize(request)
        let filter = Self.filter(request)
        let start = try await reader.streamStart(lastEventID: request.headers.first(name: HTTPField.Name.lastEventID.rawName), after: request.queryValues("after").first)
        let (stop, stopping) = AsyncStream<Void>.makeStream()
        let opened: Int? = openStreams.withLockedValue { open in
            guard !open.stopped else { return nil }
            open.lastID += 1
            open.byID[open.lastID] = stopping
            return open.lastID
        }
        guard let id = opened else { throw ChronicleHTTPError.unavailable }
        let logger = request.logger
        let reader = reader
        return Response(status: .ok, headers: HTTPHeaders(EventFeedReader.streamHeaders), body: .init(asyncStream: { [self] writer in
            defer { _ = openStreams.withLockedValue { $0.byID.removeValue(forKey: id) } }
            do {
                try await reader.follow(from: start, filter: filter, consumer: consumer, logger: logger, stop: stop) {
                    try await writer.write(.buffer($0))
                }
                try await writer.write(.end)
            } catch {
                try? await writer.write(.error(error))
            }
        }))
    }

    /// The types a request asks for (`type=`, `entity_type=`), each a list that may repeat or
    /// use commas.
    static func filter(_ request: Request) -> EventFeedFilter {
        EventFeedFilter(eventTypes: request.listParameter("type"), entityTypes: request.listParameter("entity_type"))
    }

    /// The streams that are open, to end at shutdown.
    private struct OpenStreams {
        var byID: [Int: AsyncStream<Void>.Continuation] = [:]
        var lastID = 0
        var stopped = false
    }
}
