import AsyncHTTPClient
import Chronicle
import ChronicleProjections
import ChronicleSQL
import ChronicleFeedClient
import Foundation
import HTTPTypes
import HummingbirdTesting
import MeetingsServer
import NIOCore
import NIOHTTP1
import TestSupport
import Testing

/// The event feed (`/feed/events`, `/feed/events/stream`) over real HTTP, followed by
/// `EventFeedClient`: every position once and in order, across out-of-order commits and a
/// killed server; 401, 403 and redaction per consumer.
@Suite("Meetings: the event feed")
struct EventFeedTests {
    /// What a follower collected.
    actor Collected {
        private(set) var documents: [EventDocument] = []
        func add(_ document: EventDocument) { documents.append(document) }
        var positions: [Int64] { documents.map(\.position) }

        /// Collects the feed from the start, until cancelled.
        nonisolated func follow(_ client: EventFeedClient) -> Task<Void, any Error> {
            Task {
                for try await document in client.events(after: 0) { await add(document) }
            }
        }
    }

    /// A stream follower sees every committed position once, in order, while 16 writers append
    /// with commits out of position order (each holds its positions open for a random while,
    /// and every tenth rolls back).
    @Test(arguments: Backend.available)
    func streamDeliversEachPositionOnceUnderConcurrentWriters(_ backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let port = try #require(server.client.port)
            let token = try await server.tokens.issue(for: DemoUsers.integration.id).token
            let client = EventFeedClient(
                url: "http://127.0.0.1:\(port)/feed", headers: ["Authorization": "Bearer \(token)"],
                backoff: .init(initial: .milliseconds(50), maximum: .seconds(1)))
            let collected = Collected()
            let follower = collected.follow(client)
            defer { follower.cancel() }

            struct RolledBack: Error {}
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<16 {
                    group.addTask {
                        for number in 0..<20 {
                            let events = (0..<Int.random(in: 1...3)).map { _ in
                                NewEvent(eventType: "stress.happened", data: Data(#"{"writer":\#(writer)}"#.utf8))
                            }
                            do {
                                _ = try await server.app.store.append(
                                    events, to: StreamName(entityType: "stress", entityID: "w\(writer)-\(number % 4)"),
                                    expected: .any, sharingLocksOf: []
                                ) { _, _ in
                                    try await Task.sleep(for: .microseconds(Int.random(in: 0...5_000)))
                                    if number % 10 == 7 { throw RolledBack() }
                                }
                            } catch is RolledBack {}
                        }
                    }
                }
                try await group.waitForAll()
            }
            let stored = try await Self.storedPositions(server.app.store)
            let seen = try await Self.waitUntil(collected, reaches: try #require(stored.last))
            #expect(stored.count >= 16 * 18, "every committed append is stored")
            let same = seen == stored
            #expect(same, "the follower saw every stored position once, in order: \(Self.difference(seen, stored))")
        }
    }

    /// A follower of a `meetings` process that is killed (SIGKILL) mid-stream and started again
    /// resumes with `Last-Event-ID`: it sees every position once, in order, and every meeting
    /// whose creation was acknowledged (201).
    @Test(arguments: Backend.available)
    func resumingAfterAKilledServerLosesAndRepeatsNothing(_ backend: Backend) async throws {
        try await backend.withDatabase { database in
            let migrated = try await ChildProcess.run("meetings", ["migrate", "--database-url", database])
            #expect(migrated.status == 0, "\(migrated)")
            let environment = ["MEETINGS_TOKEN_SECRET": "the feed test's secret, long enough for HS256", "LOG_LEVEL": "error"]
            let port = try FreePort.next()
            let arguments = ["serve", "--database-url", database, "--port", String(port)]
            var server = try ChildProcess.start("meetings", arguments, environment: environment)
            var stopped: ChildProcess.Run?
            do {
                try await TwoProcessTests.waitUntilServing(port)
                let integration = try #require(
                    try await TwoProcessTests.request(port, .post, "/sessions", json: #"{"user_id": 100}"#).json["token"]?.stringValue)
                let organizer = try #require(
                    try await TwoProcessTests.request(port, .post, "/sessions", json: #"{"user_id": 1}"#).json["token"]?.stringValue)
                let client = EventFeedClient(
                    url: "http://127.0.0.1:\(port)/feed", headers: ["Authorization": "Bearer \(integration)"],
                    backoff: .init(initial: .milliseconds(50), maximum: .milliseconds(500)))
                let collected = Collected()
                let follower = collected.follow(client)
                defer { follower.cancel() }

                let acknowledged = Acknowledged()
                let writing = Task {
                    var number = 0
                    while !Task.isCancelled {
                        number += 1
                        let startsAt = RFC3339.string(from: Date().addingTimeInterval(86_400 + Double(number) * 60))
                        let reply = try? await TwoProcessTests.request(
                            port, .post, "/meetings", token: organizer,
                            json: #"{"title": "Feed \#(number)", "starts_at": "\#(startsAt)", "invitee_ids": [2]}"#)
                        if let reply, reply.status == .created, let id = reply.json["id"]?.stringValue { await acknowledged.add(id) }
                        if reply == nil || reply?.status != .created { try? await Task.sleep(for: .milliseconds(50)) }
                    }
                }
                defer { writing.cancel() }

                try await Self.waitUntil(collected, hasAtLeast: 20)
                let killed = try await server.kill()
                #expect(killed.status == 128 + SIGKILL, "\(killed)")
                let seenBeforeRestart = await collected.documents.count
                server = try ChildProcess.start("meetings", arguments, environment: environment)
                try await TwoProcessTests.waitUntilServing(port)
                try await Self.waitUntil(collected, hasAtLeast: seenBeforeRestart + 20)
                writing.cancel()
                _ = await writing.result

                let head = try #require(
                    try await TwoProcessTests.request(port, .get, "/feed/events?after=0&limit=1", token: integration).json["head"]?.intValue)
                let seen = try await Self.waitUntil(collected, reaches: Int64(head))
                let stored = try await Self.storedPositions(port: port, token: integration)
                let same = seen == stored
                #expect(same, "every position once, in order, across the kill: \(Self.difference(seen, stored))")
                let scheduled = Set(await collected.documents.filter { $0.eventType == "meeting.scheduled" }.map(\.entityID))
                let lost = await acknowledged.ids.subtracting(scheduled)
                #expect(lost.isEmpty, "acknowledged meetings the follower never saw: \(lost)")
                #expect(await acknowledged.ids.count >= 20)

                // SIGTERM with the follower's stream open: the stream ends, and so does the server.
                stopped = try await server.stop()
            } catch {
                let printed = stopped == nil ? (try? await server.stop()).map { "\($0)" } ?? "" : ""
                throw TestSupportError("\(error)\nThe server printed:\n\(printed)")
            }
            #expect(stopped?.status == 0, "the server shuts down cleanly with a stream open: \(String(describing: stopped))")
        }
    }

    /// Without a token: 401; a person on the pages of the log: 403; a person on the stream sees
    /// titles and reasons redacted, which the integration account sees.
    @Test(arguments: Backend.available)
    func consumersAreAuthorizedAndRedacted(_ backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let anonymous = try await server.send(.get, "/feed/events")
            #expect(anonymous.status == .unauthorized && anonymous.headers[.wwwAuthenticate] == "Bearer", "\(anonymous)")
            let forged = try await server.send(.get, "/feed/events/stream", headers: [.authorization: "Bearer not-a-token"])
            #expect(forged.status == .unauthorized, "\(forged)")
            let person = try await server.send(.get, "/feed/events", as: 1)
            #expect(person.status == .forbidden && person.errorCode == "forbidden", "\(person)")
            let badCursor = try await server.send(.get, "/feed/events?after=-1", as: DemoUsers.integration.id)
            #expect(badCursor.status == .badRequest && badCursor.json["error"]?["field"]?.stringValue == "after", "\(badCursor)")

            let id = try await server.schedule(title: "Secret salary talk")
            let cancelled = try await server.send(.post, "/meetings/\(id)/cancel", as: 1, json: #"{"reason": "private reason"}"#)
            #expect(cancelled.status == .ok, "\(cancelled)")
            let head = try await server.head()

            let port = try #require(server.client.port)
            let personToken = try await server.tokens.issue(for: 2).token
            let personal = try await Self.follow(port: port, token: personToken, through: head)
            #expect(personal.map(\.position) == (try await Self.storedPositions(server.app.store)))
            let shown = String(decoding: try EventDocument.encoder.encode(personal), as: UTF8.self)
            #expect(!shown.contains("Secret salary talk") && !shown.contains("private reason"), "\(shown)")
            #expect(personal.first?.data["title"] == "[redacted]", "\(shown)")
            #expect(personal.allSatisfy { Set($0.meta.keys).isSubset(of: ["correlation_id"]) }, "\(shown)")

            let integrationToken = try await server.tokens.issue(for: DemoUsers.integration.id).token
            let full = try await Self.follow(port: port, token: integrationToken, through: head)
            let fullText = String(decoding: try EventDocument.encoder.encode(full), as: UTF8.self)
            #expect(fullText.contains("Secret salary talk") && fullText.contains("private reason"))
            let page = try await server.send(.get, "/feed/events?after=0&type=meeting.cancelled", as: DemoUsers.integration.id)
            #expect(page.json["events"]?.arrayValue.count == 1 && page.json["next_after"]?.intValue == Int(head), "\(page)")
        }
    }

    /// How what a follower saw differs from the log, briefly.
    static func difference(_ seen: [Int64], _ stored: [Int64]) -> String {
        let missing = Set(stored).subtracting(seen).sorted()
        let repeated = Dictionary(grouping: seen, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        let unordered = zip(seen, seen.dropFirst()).filter { $0 >= $1 }.count
        return "\(seen.count) seen, \(stored.count) stored; missing \(missing.prefix(20)), repeated \(repeated.prefix(20)), \(unordered) out of order"
    }

    /// Meeting ids whose creation was answered 201.
    actor Acknowledged {
        private(set) var ids: Set<String> = []
        func add(_ id: String) { ids.insert(id) }
    }

    /// Follows the stream as a token until a position, then stops.
    static func follow(port: Int, token: String, through head: Int64) async throws -> [EventDocument] {
        let client = EventFeedClient(url: "http://127.0.0.1:\(port)/feed", headers: ["Authorization": "Bearer \(token)"])
        let collected = Collected()
        let follower = collected.follow(client)
        defer { follower.cancel() }
        _ = try await waitUntil(collected, reaches: head)
        return await collected.documents
    }

    /// Every position of the log, read through the store without the feed.
    static func storedPositions(_ store: any EventStore) async throws -> [Int64] {
        var positions: [Int64] = []
        for try await event in store.readLog(after: 0) { positions.append(event.position) }
        return positions
    }

    /// Every position of the log, read page by page from the feed's JSON route.
    static func storedPositions(port: Int, token: String) async throws -> [Int64] {
        var positions: [Int64] = []
        var after = 0
        while true {
            let page = try await TwoProcessTests.request(port, .get, "/feed/events?after=\(after)&limit=1000", token: token)
            let events = page.json["events"]?.arrayValue ?? []
            positions += events.compactMap { $0["position"]?.intValue }.map(Int64.init)
            guard let next = page.json["next_after"]?.intValue, next > after else { return positions }
            after = next
        }
    }

    /// The positions collected once the last one is `head`; fails after 180 s. (The gap-free
    /// reader holds events back while any older transaction of the shared test cluster is open,
    /// and other tests hold some open on purpose.)
    @discardableResult
    static func waitUntil(_ collected: Collected, reaches head: Int64) async throws -> [Int64] {
        let deadline = ContinuousClock.now + .seconds(180)
        while ContinuousClock.now < deadline {
            let positions = await collected.positions
            if let last = positions.last, last >= head { return positions }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestSupportError("The follower did not reach position \(head) in 180 s: it has \(await collected.positions.suffix(5)).")
    }

    /// Returns once `count` events were collected; fails after 180 s.
    static func waitUntil(_ collected: Collected, hasAtLeast count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(180)
        while ContinuousClock.now < deadline {
            if await collected.documents.count >= count { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestSupportError("The follower did not collect \(count) events in 180 s.")
    }
}
