import AsyncHTTPClient
public import Chronicle
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// The events of a feed from a position on: what ``EventFeedClient/events(after:)`` returns.
///
/// Each iterator holds one Server-Sent Events connection at a time and reads from it only as
/// fast as the loop takes events, so a slow consumer slows the server's writes rather than
/// filling memory.
public struct EventFeedEvents: AsyncSequence, Sendable {
    /// The feed's events.
    public typealias Element = EventDocument

    let client: EventFeedClient
    let after: Int64

    /// Starts following the feed.
    public func makeAsyncIterator() -> Iterator {
        Iterator(client: client, lastEventID: after)
    }

    /// Reads events, reconnecting when the connection ends.
    public struct Iterator: AsyncIteratorProtocol {
        let client: EventFeedClient
        /// The position of the last event returned, or passed by the server as not for this
        /// consumer: where a new connection resumes.
        var lastEventID: Int64
        var body: HTTPClientResponse.Body.AsyncIterator?
        var parser = ServerSentEventParser()
        var pending: [EventDocument] = []
        var failures = 0

        init(client: EventFeedClient, lastEventID: Int64) {
            self.client = client
            self.lastEventID = lastEventID
        }

        /// The next event; `nil` once the task is cancelled.
        ///
        /// - Throws: ``EventFeedClientError`` when the server refuses the request for good, or a
        ///   `DecodingError` when it sends an event that is not an `EventDocument`.
        public mutating func next() async throws -> EventDocument? {
            while !Task.isCancelled {
                if !pending.isEmpty { return pending.removeFirst() }
                guard var stream = body else {
                    guard await wait() else { return nil }
                    body = try await connect()
                    continue
                }
                let chunk: ByteBuffer?
                do {
                    chunk = try await stream.next()
                } catch {
                    if Task.isCancelled { return nil }
                    drop("the connection failed: \(error)")
                    continue
                }
                body = stream
                guard let chunk else {
                    drop("the server ended the stream")
                    continue
                }
                for message in parser.feed(chunk) {
                    if message.event == "error" {
                        drop("the server reported an error: \(message.data ?? "")")
                        break
                    }
                    if let data = message.data {
                        let document = try EventDocument.decoder.decode(EventDocument.self, from: Data(data.utf8))
                        pending.append(document)
                        failures = 0
                    }
                    if let id = message.id.flatMap({ Int64($0) }) { lastEventID = id }
                }
            }
            return nil
        }

        /// Opens a stream after ``lastEventID``, or returns `nil` (to wait and retry) when the
        /// server cannot answer now.
        private mutating func connect() async throws -> HTTPClientResponse.Body.AsyncIterator? {
            var request = client.request(path: "/events/stream", query: [])
            request.headers.replaceOrAdd(name: "Last-Event-ID", value: String(lastEventID))
            request.headers.replaceOrAdd(name: "Accept", value: "text/event-stream")
            do {
                let response = try await client.httpClient.execute(request, deadline: .distantFuture, logger: client.logger)
                if response.status == .ok {
                    parser = ServerSentEventParser()
                    return response.body.makeAsyncIterator()
                }
                let code = response.status.code
                let body = (try? await response.body.collect(upTo: 1 << 20)).map { String(buffer: $0) } ?? ""
                if (400..<500).contains(code), code != 408, code != 429 {
                    throw EventFeedClientError(status: code, body: body)
                }
                drop("the server answered \(code)")
            } catch let error as EventFeedClientError {
                throw error
            } catch {
                drop("cannot connect: \(error)")
            }
            return nil
        }

        /// Forgets the connection; the next call waits and reconnects.
        private mutating func drop(_ reason: String) {
            body = nil
            failures += 1
            client.logger.info("The event feed reconnects", metadata: [
                "reason": "\(reason)", "last_event_id": "\(lastEventID)", "failures": "\(failures)",
            ])
        }

        /// Waits before a reconnection: not at all the first time, then with growing backoff.
        /// Returns `false` when cancelled.
        private func wait() async -> Bool {
            guard failures > 0 else { return true }
            let backoff = client.backoff
            let doubling = Swift.min(failures - 1, 16)
            let delay = Swift.min(backoff.initial * (1 << doubling), backoff.maximum)
            let jitter = delay * Double.random(in: 0...0.25)
            do {
                try await Task.sleep(for: delay + jitter)
                return true
            } catch {
                return false
            }
        }
    }
}

@available(*, unavailable)
extension EventFeedEvents.Iterator: Sendable {}

/// Splits a `text/event-stream` body into messages.
struct ServerSentEventParser: Sendable {
    /// One message: the fields of the lines before a blank line.
    struct Message: Sendable, Equatable {
        var id: String?
        var event: String?
        var data: String?
    }

    private var line: [UInt8] = []
    private var current = Message()

    /// The messages that the bytes complete.
    mutating func feed(_ buffer: ByteBuffer) -> [Message] {
        var messages: [Message] = []
        for byte in buffer.readableBytesView {
            guard byte == UInt8(ascii: "\n") else {
                line.append(byte)
                continue
            }
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            if line.isEmpty {
                if current != Message() { messages.append(current) }
                current = Message()
            } else {
                take(String(decoding: line, as: UTF8.self))
            }
            line.removeAll(keepingCapacity: true)
        }
        return messages
    }

    private mutating func take(_ text: String) {
        if text.hasPrefix(":") { return }
        let field: Substring
        var value: Substring
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            value = text[text.index(after: colon)...]
            if value.hasPrefix(" ") { value = value.dropFirst() }
        } else {
            field = text[...]
            value = ""
        }
        switch field {
        case "id": current.id = String(value)
        case "event": current.event = String(value)
        case "data": current.data = current.data.map { $0 + "\n" + value } ?? String(value)
        default: break
        }
    }
}
