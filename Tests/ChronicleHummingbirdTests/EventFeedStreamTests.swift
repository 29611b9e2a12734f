import AsyncHTTPClient
import Chronicle
import ChronicleHummingbird
import ExampleDomain
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import Testing

/// The event feed's stream as bytes on the wire: its messages, the heartbeat of an idle
/// stream, and the headers it refuses.
@Suite struct EventFeedStreamTests {
    @Test func anIdleStreamSendsHeartbeatsAfterItsEventsAndAfterNowStartsAtTheHead() async throws {
        let store = InMemoryEventStore()
        try await store.append([CounterIncremented(amount: 3)], to: StreamName(entityType: "counter", entityID: "c1"), expected: .any)
        let feed = EventFeed<BasicRequestContext>(
            store: store, configuration: .init(pollInterval: .milliseconds(50), heartbeat: .milliseconds(300))
        ) { _, _ in EventFeedConsumer(name: "test") }
        let router = Router()
        feed.addRoutes(to: router)
        try await Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0))).test(.live) { client in
            let port = try #require(client.port)
            let response = try await HTTPClient.shared.execute(
                HTTPClientRequest(url: "http://127.0.0.1:\(port)/events/stream"), deadline: .now() + .seconds(30))
            #expect(response.status == .ok)
            #expect(response.headers.first(name: "Content-Type") == "text/event-stream; charset=utf-8")
            var text = ""
            for try await chunk in response.body {
                text += String(buffer: chunk)
                if text.contains(": heartbeat\n\n") { break }
            }
            #expect(text.hasPrefix("retry: 1000\n\nid: 1\nevent: counter.incremented\ndata: {"), "\(text)")
            #expect(text.contains(#""entity_id":"c1""#) && text.contains(#""data":{"amount":3}"#), "\(text)")
            #expect(text.hasSuffix("}\n\n: heartbeat\n\n"), "\(text)")

            let fromNow = try await HTTPClient.shared.execute(
                HTTPClientRequest(url: "http://127.0.0.1:\(port)/events/stream?after=now"), deadline: .now() + .seconds(30))
            try await store.append([CounterIncremented(amount: 4)], to: StreamName(entityType: "counter", entityID: "c1"), expected: .any)
            var later = ""
            for try await chunk in fromNow.body {
                later += String(buffer: chunk)
                // A heartbeat may come first on a loaded machine: wait for the event itself.
                if later.contains("id: 2\n") { break }
            }
            #expect(later.hasPrefix("retry: 1000\n\n") && later.contains("id: 2\n") && !later.contains("id: 1\n"), "after=now starts at the head: \(later)")

            var malformed = HTTPClientRequest(url: "http://127.0.0.1:\(port)/events/stream")
            malformed.headers.add(name: "Last-Event-ID", value: "yesterday")
            let refused = try await HTTPClient.shared.execute(malformed, deadline: .now() + .seconds(30))
            let body = String(buffer: try await refused.body.collect(upTo: 1 << 16))
            #expect(refused.status == .badRequest && body.contains(#""field":"Last-Event-ID""#), "\(body)")
        }
    }
}
