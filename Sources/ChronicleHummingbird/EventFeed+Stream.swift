import Chronicle
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

extension EventFeed {
    /// `GET <prefix>/events/stream`: Server-Sent Events from a position on (`Last-Event-ID`, else
    /// `after`, a position or `now` for the current head), until the client goes, the database
    /// fails, or the server shuts down.
    ///
    /// Each event is a message with `id:` its position, `event:` its type and `data:` its
    /// `EventDocument`. When events the consumer may not see end a batch, a message
    /// with only an `id:` moves the resume point past them. A comment line is the heartbeat. A
    /// database failure sends an `error` message and ends the stream; the client resumes with
    /// `Last-Event-ID` (which browsers' `EventSource` does by itself).
    func stream(_ request: Request, _ context: Context) async throws -> Response {
        let consumer = try await authorize(request, context)
        let filter = EventFeedFilter(request)
        let start: Int64
        if let lastEventID = try Self.lastEventID(request) {
            start = lastEventID
        } else if request.uri.queryParameters["after"] == "now" {
            start = try await store.headPosition()
        } else {
            start = try request.integerParameter("after", in: 0...Int64.max) ?? 0
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("X-Accel-Buffering")!] = "no"
        let logger = context.logger
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await follow(from: start, filter: filter, consumer: consumer, logger: logger, writer: &writer)
            try await writer.finish(nil)
        })
    }

    /// The `Last-Event-ID` request header: the position to resume after.
    ///
    /// - Throws: 400 naming the header when it is not a position.
    static func lastEventID(_ request: Request) throws -> Int64? {
        guard let text = request.headers[HTTPField.Name("Last-Event-ID")!] else { return nil }
        guard let position = Int64(text.trimmingCharacters(in: .whitespaces)), position >= 0 else {
            throw ChronicleHTTPError(
                status: .badRequest,
                body: ChronicleHTTPError.error(
                    code: "invalid_header", message: "Last-Event-ID must be the position of an event: an integer of 0 or more.",
                    field: "Last-Event-ID"))
        }
        return position
    }

    /// Writes the log after a position to the stream, and then each event as it is appended.
    private func follow(
        from start: Int64, filter: EventFeedFilter, consumer: EventFeedConsumer, logger: Logger, writer: inout any ResponseBodyWriter
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
                group.addTask {
                    while !Task.isCancelled {
                        try await Task.sleep(for: min(configuration.pollInterval, configuration.heartbeat))
                        wake.yield()
                    }
                }
                defer { group.cancelAll() }

                var cursor = start
                var lastWrite = clock.now
                try await writer.write(ByteBuffer(string: "retry: \(Self.milliseconds(configuration.reconnectDelay))\n\n"))
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
                            try await writer.write(buffer)
                            lastWrite = clock.now
                            if batch.count < configuration.batchSize { break }
                        }
                    } catch let error as EventStoreError {
                        logger.warning("The event feed stops a stream: the store cannot serve", metadata: [
                            "consumer": "\(consumer.name)", "position": "\(cursor)", "error": "\(String(reflecting: error))",
                        ])
                        let body = #"{"error":{"code":"unavailable","message":"The event store cannot serve now; resume with Last-Event-ID."}}"#
                        try await writer.write(ByteBuffer(string: "event: error\ndata: \(body)\n\n"))
                        return
                    }
                    if clock.now - lastWrite >= configuration.heartbeat {
                        try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
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
