public import Chronicle
import ChronicleProjections
public import Foundation
public import HTTPTypes
public import Logging
public import NIOCore
import ServiceLifecycle

/// How an event feed pages, polls and keeps streams alive.
public struct EventFeedConfiguration: Sendable {
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

/// The event types and entity types a feed request asks for (`type=`, `entity_type=`); an
/// empty set asks for all.
public struct EventFeedFilter: Sendable {
    /// The event types asked for; empty for all.
    public let eventTypes: Set<String>
    /// The entity types asked for; empty for all.
    public let entityTypes: Set<String>

    /// A filter from the request's `type` and `entity_type` values.
    public init(eventTypes: [String], entityTypes: [String]) {
        self.eventTypes = Set(eventTypes)
        self.entityTypes = Set(entityTypes)
    }

    /// Whether an event is one the request asks for.
    public func matches(_ event: RecordedEvent) -> Bool {
        (eventTypes.isEmpty || eventTypes.contains(event.eventType))
            && (entityTypes.isEmpty || entityTypes.contains(event.stream.entityType))
    }
}

/// The event feed's work, written once for every web framework: a page of the log, and a
/// Server-Sent Events stream of it, both through the store's gap-free reader
/// (`EventStore.readLog`), so that a consumer that resumes after the last position it saw never
/// skips or repeats an event, even when writers commit out of position order.
///
/// ChronicleHummingbird's and ChronicleVapor's `EventFeed` route requests to it.
public struct EventFeedReader: Sendable {
    /// The store whose log is served.
    public let store: any EventStore
    /// Signals after appends, so that streams send new events at once; `nil` polls only.
    public let appendNotifications: (@Sendable () -> AsyncStream<Void>)?
    /// How the feed pages, polls and keeps streams alive.
    public let configuration: EventFeedConfiguration

    /// Creates the reader of a store's log.
    ///
    /// - Parameters:
    ///   - store: The store whose log is served.
    ///   - appendNotifications: Signals after appends; `nil` polls only.
    ///   - configuration: Paging, polling and heartbeats.
    public init(store: any EventStore, appendNotifications: (@Sendable () -> AsyncStream<Void>)?, configuration: EventFeedConfiguration) {
        self.store = store
        self.appendNotifications = appendNotifications
        self.configuration = configuration
    }

    /// The headers of a page: JSON, not to be cached.
    public static let pageHeaders: HTTPFields = [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"]

    /// The headers of a stream: Server-Sent Events, not to be cached or buffered by proxies.
    public static let streamHeaders: HTTPFields = [
        .contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store", HTTPField.Name("X-Accel-Buffering")!: "no",
    ]

    /// One page of the log after a position, as the JSON body of `GET <prefix>/events`:
    /// `{"events": [EventDocument], "next_after", "head"}`.
    ///
    /// - Parameters:
    ///   - after: The `after` parameter, if any: the position the page starts after.
    ///   - limit: The `limit` parameter, if any: how many events the page holds at most.
    ///   - filter: The types asked for.
    ///   - consumer: Who reads: which events it may see, and what is redacted.
    /// - Throws: ``ChronicleHTTPError`` 400 naming a parameter that is not valid; the store's errors.
    public func page(after: Substring?, limit: Substring?, filter: EventFeedFilter, consumer: EventFeedConsumer) async throws -> Data {
        let after = try QueryParameter.integer("after", after, in: 0...Int64.max) ?? 0
        let limit = try QueryParameter.integer("limit", limit, in: 1...configuration.maximumLimit) ?? configuration.defaultLimit
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
        return try EventDocument.encoder.encode(page)
    }

    /// Where a stream starts: `Last-Event-ID`, else `after` (a position, or `now` for the head).
    ///
    /// - Parameters:
    ///   - lastEventID: The `Last-Event-ID` header, if any.
    ///   - after: The `after` parameter, if any.
    /// - Throws: ``ChronicleHTTPError`` 400 naming the header or parameter that is not valid.
    public func streamStart(lastEventID: String?, after: Substring?) async throws -> Int64 {
        if let position = try ChronicleHeaders.lastEventID(lastEventID) { return position }
        if after == "now" { return try await store.headPosition() }
        return try QueryParameter.integer("after", after, in: 0...Int64.max) ?? 0
    }

    /// Writes the log after a position as Server-Sent Events, and then each event as it is
    /// appended, until the client goes, the database fails, the server shuts down (a graceful
    /// shutdown of the service group) or `stop` finishes.
    ///
    /// Each event is a message with `id:` its position, `event:` its type and `data:` its
    /// `EventDocument`. When events the consumer may not see end a batch, a message
    /// with only an `id:` moves the resume point past them. A comment line is the heartbeat. A
    /// database failure sends an `error` message and ends the stream; the client resumes with
    /// `Last-Event-ID` (which browsers' `EventSource` does by itself).
    ///
    /// - Parameters:
    ///   - start: The position to send the events after.
    ///   - filter: The types asked for.
    ///   - consumer: Who reads.
    ///   - logger: For a stream the store ends.
    ///   - stop: Ends the stream when it finishes, for frameworks that stop without a service
    ///     group; `nil` for none.
    ///   - write: Sends bytes to the client.
    public func follow(
        from start: Int64, filter: EventFeedFilter, consumer: EventFeedConsumer, logger: Logger, stop: AsyncStream<Void>? = nil,
        write: (ByteBuffer) async throws -> Void
    ) async throws {
        let (wakeups, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let clock = ContinuousClock()
        let configuration = configuration
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                if let notifications = appendNotifications?() {
                    group.addTask {
                        for await _ in notifications { wake.yield() }
                    }
                }
                if let stop {
                    group.addTask {
                        for await _ in stop {}
                        wake.finish()
                    }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try await Task.sleep(for: min(configuration.pollInterval, configuration.heartbeat))
                        wake.yield()
                    }
                }
                defer { group.cancelAll() }

                var cursor = start
                var lastWrite = clock.now
                try await write(ByteBuffer(string: "retry: \(Self.milliseconds(configuration.reconnectDelay))\n\n"))
                var pending = wakeups.makeAsyncIterator()
                repeat {
                    do {
                        while !Task.isCancelled {
                            let batch = try await store.readLog(after: cursor, limit: configuration.batchSize)
                            guard !batch.isEmpty else { break }
                            var buffer = ByteBuffer()
                            var skippedLast = false
                            for event in batch {
                                cursor = event.position
                                if filter.matches(event), consumer.includes(event) {
                                    try Self.message(of: try consumer.document(of: event), into: &buffer)
                                    skippedLast = false
                                } else {
                                    skippedLast = true
                                }
                            }
                            if skippedLast { buffer.writeString("id: \(cursor)\n\n") }
                            try await write(buffer)
                            lastWrite = clock.now
                            if batch.count < configuration.batchSize { break }
                        }
                    } catch let error as EventStoreError {
                        logger.warning("The event feed stops a stream: the store cannot serve", metadata: [
                            "consumer": "\(consumer.name)", "position": "\(cursor)", "error": "\(String(reflecting: error))",
                        ])
                        let body = #"{"error":{"code":"unavailable","message":"The event store cannot serve now; resume with Last-Event-ID."}}"#
                        try await write(ByteBuffer(string: "event: error\ndata: \(body)\n\n"))
                        return
                    }
                    if clock.now - lastWrite >= configuration.heartbeat {
                        try await write(ByteBuffer(string: ": heartbeat\n\n"))
                        lastWrite = clock.now
                    }
                } while await pending.next() != nil
            }
        } onGracefulShutdown: {
            wake.finish()
        }
    }

    /// One event as a message: `id`, `event` and one `data` line of JSON (which has no line breaks).
    static func message(of document: EventDocument, into buffer: inout ByteBuffer) throws {
        buffer.writeString("id: \(document.position)\nevent: ")
        buffer.writeString(document.eventType.filter { $0 != "\n" && $0 != "\r" })
        buffer.writeString("\ndata: ")
        buffer.writeBytes(try EventDocument.encoder.encode(document))
        buffer.writeString("\n\n")
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
