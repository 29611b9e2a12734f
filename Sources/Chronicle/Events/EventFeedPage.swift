/// One page of the HTTP event feed (`GET <prefix>/events`): events in position order and where
/// the next page starts.
///
/// ```json
/// {"events": [{"position": 18, …}, {"position": 19, …}], "next_after": 25, "head": 40}
/// ```
public struct EventFeedPage: Codable, Hashable, Sendable {
    /// The page's events, in position order.
    public var events: [EventDocument]
    /// The position to ask for the next page after: the last event the server read, shown or
    /// not, so that filtered pages move on even when they show nothing.
    public var nextAfter: Int64
    /// The store's newest position when the page was read: `head - nextAfter` is how far the
    /// reader is behind.
    public var head: Int64

    enum CodingKeys: String, CodingKey {
        case events, head
        case nextAfter = "next_after"
    }

    /// Creates a page.
    public init(events: [EventDocument], nextAfter: Int64, head: Int64) {
        self.events = events
        self.nextAfter = nextAfter
        self.head = head
    }
}
