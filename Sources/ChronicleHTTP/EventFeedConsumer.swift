public import Chronicle

/// Who reads the event feed, as the application's authorization check decides it for a request:
/// which events the consumer may see, and which of their fields it may not.
///
/// ```swift
/// let feed = EventFeed<AppContext>(app: app) { request, context in
///     guard let client = try await clients.authenticate(request) else {
///         throw ChronicleHTTPError.unauthorized("A bearer token is required.")
///     }
///     guard client.scopes.contains("events:read") else { throw ChronicleHTTPError.forbidden("This token may not read events.") }
///     return EventFeedConsumer(name: client.name, includes: { $0.stream.entityType == "meeting" }, redact: { document in
///         document.redact(dataFields: ["notes"])
///     })
/// }
/// ```
public struct EventFeedConsumer: Sendable {
    /// The consumer's name, for logs.
    public var name: String
    /// Whether the consumer may see an event. Events it may not see are skipped: they are
    /// neither sent nor counted as gaps, and the resume point moves past them.
    public var includes: @Sendable (RecordedEvent) -> Bool
    /// Changes an event before the consumer sees it: typically
    /// `EventDocument.redact`, or removing metadata keys.
    public var redact: @Sendable (inout EventDocument) -> Void

    /// Creates a consumer.
    ///
    /// - Parameters:
    ///   - name: The consumer's name, for logs.
    ///   - includes: Whether the consumer may see an event; every event by default.
    ///   - redact: What to remove from an event before the consumer sees it; nothing by default.
    public init(
        name: String,
        includes: @escaping @Sendable (RecordedEvent) -> Bool = { _ in true },
        redact: @escaping @Sendable (inout EventDocument) -> Void = { _ in }
    ) {
        self.name = name
        self.includes = includes
        self.redact = redact
    }

    /// The document the consumer sees of an event.
    package func document(of event: RecordedEvent) throws -> EventDocument {
        var document = try EventDocument(event)
        redact(&document)
        return document
    }
}
