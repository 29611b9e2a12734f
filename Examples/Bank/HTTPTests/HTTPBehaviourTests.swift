import NIOConcurrencyHelpers
import AsyncHTTPClient
import Chronicle
import Foundation
import NIOCore
import NIOHTTP1
import TestSupport
import Testing

/// One set of HTTP cases, run against the bank served with Hummingbird and with Vapor, on
/// SQLite and PostgreSQL: both integrations must answer alike, down to the bytes of their
/// error bodies.
///
/// One case at a time: each opens the bank with a pool of its own (up to 20 connections), and a
/// dozen of them at once beside the rest of the suite made the shared PostgreSQL server refuse
/// connections.
@Suite("HTTP behaviour: Hummingbird and Vapor", .serialized)
struct HTTPBehaviourTests {
    static let cases: [(Framework, Backend)] = Framework.allCases.flatMap { framework in Backend.available.map { (framework, $0) } }

    @Test("A write answers with the entity's version and the event's position", arguments: cases)
    func writesAnswerWithVersionAndPosition(framework: Framework, backend: Backend) async throws {
        try await framework.serve(on: backend) { client in
            let opened = try await client.open("acct-1")
            #expect(opened.status == 201, "\(opened)")
            #expect(opened.body == #"{"account_id":"acct-1","balance":0,"holder":"Ada"}"#)
            #expect(opened.header("ETag") == "\"1\"")
            let position = try #require(opened.header("Chronicle-Position").flatMap { Int64($0) })
            #expect(position == (try await client.head()))

            let read = try await client.send(.GET, "/accounts/acct-1")
            #expect(read.status == 200 && read.header("ETag") == "\"1\"", "\(read)")

            let deposit = try await client.send(.POST, "/accounts/acct-1/deposits", body: #"{"amount": 500}"#, headers: [("If-Match", "\"1\"")])
            #expect(deposit.status == 200, "\(deposit)")
            #expect(deposit.body == #"{"account_id":"acct-1","balance":500,"holder":"Ada"}"#)
            #expect(deposit.header("ETag") == "\"2\"")
            #expect(deposit.header("Chronicle-Position").flatMap { Int64($0) } ?? 0 > position)
        }
    }

    /// Requests whose bodies or headers are wrong: each answered with its status and code,
    /// naming the field, and nothing written.
    static let badRequests: [(method: NIOHTTP1.HTTPMethod, path: String, body: String?, headers: [(String, String)], status: Int, code: String, field: String?)] = [
        (.POST, "/accounts", #"{"account_id": "a", "holder": 5}"#, [], 400, "malformed_body", "holder"),
        (.POST, "/accounts", #"{"account_id": "a"}"#, [], 400, "malformed_body", "holder"),
        (.POST, "/accounts", #"{"account_id": "a", "holder": "Ada", "nickname": "A"}"#, [], 400, "unknown_field", "nickname"),
        (.POST, "/accounts", #"{"account_id": "a", "holder": "Ada", "holder": "Bo"}"#, [], 400, "duplicate_field", "holder"),
        (.POST, "/accounts", #"{"account_id": "a", "holder": "Ada""#, [], 400, "malformed_body", nil),
        (.POST, "/accounts", #"{"account_id": "a", "holder": "Ada"}"#, [("Content-Type", "text/plain")], 415, "unsupported_media_type", nil),
        (.POST, "/accounts", "", [], 400, "missing_body", nil),
        (.POST, "/accounts", #"{"account_id": "a", "holder": ""# + String(repeating: "x", count: 70_000) + #""}"#, [], 413, "body_too_large", nil),
        (.POST, "/accounts/acct-1/deposits", #"{"amount": 1.5}"#, [], 400, "malformed_body", "amount"),
        (.POST, "/accounts/acct-1/deposits", #"{"amount": 5}"#, [("If-Match", "5")], 400, "malformed_if_match", "If-Match"),
        (.POST, "/accounts/acct-1/deposits", #"{"amount": 5}"#, [("If-Match", "\"7\"")], 409, "conflict", nil),
        (.POST, "/accounts/acct-1/withdrawals", #"{"amount": 999999}"#, [], 422, "insufficient_funds", nil),
        (.POST, "/accounts/acct-9/deposits", #"{"amount": 5}"#, [], 404, "not_found", nil),
        (.POST, "/accounts/acct-1", #"{"amount": 5}"#, [], 405, "method_not_allowed", nil),
        (.GET, "/accounts/acct-9", nil, [], 404, "not_found", nil),
        (.GET, "/nowhere", nil, [], 404, "not_found", nil),
        (.GET, "/accounts/acct-1/statement", nil, [("Chronicle-Min-Position", "soon")], 400, "malformed_min_position", "Chronicle-Min-Position"),
        (.GET, "/feed/events", nil, [], 401, "unauthorized", nil),
        (.GET, "/feed/events?limit=0", nil, [("Authorization", "Bearer \(BankClient.feedToken)")], 400, "invalid_parameter", "limit"),
    ]

    @Test("Bad input is a 4xx naming the field, and nothing is written", arguments: cases)
    func badInputIsRefusedAndNothingIsWritten(framework: Framework, backend: Backend) async throws {
        try await framework.serve(on: backend) { client in
            try await client.open("acct-1")
            let head = try await client.head()
            for request in Self.badRequests {
                let reply = try await client.send(request.method, request.path, body: request.body, headers: request.headers)
                #expect(reply.status == request.status, "\(request.method) \(request.path): \(reply)")
                #expect(reply.errorCode == request.code, "\(request.method) \(request.path): \(reply)")
                #expect(reply.json["error"]?["field"]?.stringValue == request.field, "\(request.method) \(request.path): \(reply)")
                #expect(reply.header("Content-Type") == "application/json; charset=utf-8")
            }
            let invalid = try await client.send(.POST, "/accounts", body: #"{"account_id": "b", "holder": " "}"#)
            #expect(invalid.status == 422 && invalid.json["errors"]?["holder"]?[0]?["code"] != nil, "\(invalid)")
            #expect(try await client.head() == head, "no bad request wrote an event")
            let account = try await client.send(.GET, "/accounts/acct-1")
            #expect(account.body == #"{"account_id":"acct-1","balance":0,"holder":"Ada"}"# && account.header("ETag") == "\"1\"")
        }
    }

    @Test("Both frameworks answer every bad request with the same status, headers and bytes")
    func bothFrameworksAnswerAlike() async throws {
        var answers: [Framework: [String]] = [:]
        for framework in Framework.allCases {
            let replies = NIOLockedValueBox<[String]>([])
            try await framework.serve(on: .sqlite) { client in
                try await client.open("acct-1")
                for request in Self.badRequests {
                    let reply = try await client.send(request.method, request.path, body: request.body, headers: request.headers)
                    let headers = ["Allow", "Retry-After", "WWW-Authenticate", "Accept", "Content-Type"].compactMap { name in
                        reply.header(name).map { "\(name): \($0)" }
                    }
                    replies.withLockedValue { $0.append("\(reply.status) \(headers.joined(separator: "; ")) \(reply.body)") }
                }
            }
            answers[framework] = replies.withLockedValue { $0 }
        }
        let hummingbird = try #require(answers[.hummingbird])
        let vapor = try #require(answers[.vapor])
        #expect(hummingbird.count == Self.badRequests.count)
        for (index, request) in Self.badRequests.enumerated() {
            #expect(hummingbird[index] == vapor[index], "\(request.method) \(request.path)")
        }
    }

    /// Every answer is the write or a 503: a 200 without the write fails. A 503 is asked again
    /// after its `Retry-After`, as a client would: on a database server the other tests share,
    /// their transactions can hold the projection back for longer than one wait.
    @Test("A read with Chronicle-Min-Position waits for the write, or answers 503", arguments: cases)
    func readsWaitForTheirWrites(framework: Framework, backend: Backend) async throws {
        try await framework.serve(on: backend) { client in
            try await client.open("acct-1")
            for round in 1...5 {
                let deposit = try await client.send(.POST, "/accounts/acct-1/deposits", body: #"{"amount": \#(round)}"#)
                let position = try #require(deposit.header("Chronicle-Position"))
                let statement = try await client.readPatiently(.GET, "/accounts/acct-1/statement", headers: [("Chronicle-Min-Position", position)])
                #expect(statement.status == 200, "\(statement)")
                #expect(statement.json["entries"]?.arrayValue.last?["position"]?.intValue == Int(position), "round \(round): \(statement)")
                #expect(statement.json["entries"]?.arrayValue.count == round)
            }
            let ahead = try await client.send(.GET, "/accounts/acct-1/statement", headers: [("Chronicle-Min-Position", "1000000")])
            #expect(ahead.status == 503 && ahead.errorCode == "read_side_behind" && ahead.header("Retry-After") == "1", "\(ahead)")
        }
    }

    @Test("Events carry the request's id and user agent", arguments: cases)
    func eventsCarryTheRequestMetadata(framework: Framework, backend: Backend) async throws {
        try await framework.serve(on: backend) { client in
            try await client.open("acct-1")
            try await client.send(
                .POST, "/accounts/acct-1/deposits", body: #"{"amount": 5}"#, headers: [("X-Request-ID", "req-42"), ("User-Agent", "bank-tests/1")])
            let events = try await client.feed(until: 2)
            let deposit = try #require(events.last)
            #expect(deposit["event_type"]?.stringValue == "account.deposited")
            #expect(deposit["meta"]?["request_id"]?.stringValue == "req-42", "\(deposit)")
            #expect(deposit["meta"]?["user_agent"]?.stringValue == "bank-tests/1", "\(deposit)")
            #expect(deposit["meta"]?["client_address"]?.stringValue == "127.0.0.1", "\(deposit)")
        }
    }

    @Test("The event feed pages the log and streams what is appended", arguments: cases)
    func theFeedPagesAndStreams(framework: Framework, backend: Backend) async throws {
        try await framework.serve(on: backend) { client in
            for id in ["acct-1", "acct-2", "acct-3"] { try await client.open(id) }
            #expect(try await client.feed(until: 3).count == 3)
            let authorization = ("Authorization", "Bearer \(BankClient.feedToken)")
            let first = try await client.send(.GET, "/feed/events?after=0&limit=2", headers: [authorization])
            #expect(first.json["events"]?.arrayValue.map { $0["entity_id"]?.stringValue } == ["acct-1", "acct-2"], "\(first)")
            let after = try #require(first.json["next_after"]?.intValue)
            let second = try await client.send(.GET, "/feed/events?after=\(after)&type=account.opened", headers: [authorization])
            #expect(second.json["events"]?.arrayValue.map { $0["entity_id"]?.stringValue } == ["acct-3"], "\(second)")

            var request = HTTPClientRequest(url: "http://127.0.0.1:\(client.port)/feed/events/stream?after=\(after)")
            request.headers.add(name: "Authorization", value: "Bearer \(BankClient.feedToken)")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            #expect(response.status == .ok)
            #expect(response.headers.first(name: "Content-Type") == "text/event-stream; charset=utf-8")
            var received = ""
            var appended = false
            for try await chunk in response.body {
                received += String(buffer: chunk)
                if !appended, received.contains("data: ") {
                    appended = true
                    try await client.send(.POST, "/accounts/acct-3/deposits", body: #"{"amount": 7}"#)
                }
                if received.contains("event: account.deposited") { break }
            }
            #expect(received.contains("event: account.opened") && received.contains(#""entity_id":"acct-3""#), "\(received)")
            #expect(received.contains("event: account.deposited"), "the stream sends what is appended while it is open")
        }
    }
}
