import Chronicle
import ChronicleHummingbird
import Hummingbird

extension MeetingsAPI {
    /// The event feed at `/feed/events` and `/feed/events/stream`.
    ///
    /// - The integration account (``DemoUsers/integration``) reads everything, pages and stream.
    /// - People (the demo users) may follow the live stream, which the page uses to refresh
    ///   itself, but see only which meeting changed and how: titles and cancellation reasons
    ///   are redacted, and so is metadata apart from the correlation id. They get 403 on the
    ///   pages of the log.
    /// - Without a valid token: 401.
    func addFeed(to router: Router<MeetingsRequestContext>) {
        let authentication = Authentication(tokens: tokens)
        let feed = EventFeed<MeetingsRequestContext>(app: app) { request, _ in
            let userID = try await authentication.userID(of: request, acceptingQueryToken: true)
            if userID == DemoUsers.integration.id { return EventFeedConsumer(name: "integration") }
            guard request.uri.path.hasSuffix("/events/stream") else {
                throw ChronicleHTTPError.forbidden(
                    "Only the integration account (user 100) may page through the log; people may follow /feed/events/stream.")
            }
            return EventFeedConsumer(
                name: DemoUsers.actor(userID),
                redact: { document in
                    document.redact(dataFields: Self.privateFields)
                    document.meta = document.meta.filter { $0.key == "correlation_id" }
                })
        }
        feed.addRoutes(to: router, atPath: "/feed")
    }

    /// The data fields people do not see in the feed.
    static let privateFields: Set<String> = ["title", "reason"]
}
