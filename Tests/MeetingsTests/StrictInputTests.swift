import Chronicle
import Foundation
import HTTPTypes
@testable import MeetingsServer
import TestSupport
import Testing

/// Input the API must refuse, each class with its field named and nothing written; and the
/// HTTP edges (ids, methods, HEAD, If-Match) answered by the book.
@Suite("Meetings: a strict API")
struct StrictInputTests {
    @Test(arguments: Backend.available)
    func datesAreRFC3339WithEveryFieldInRange(_ backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let head = try await server.head()
            let impossible = [
                "2030-02-30T10:00:00Z", "2031-02-29T10:00:00Z", "2030-04-31T10:00:00Z", "2030-13-01T10:00:00Z", "2030-00-10T10:00:00Z",
                "2030-01-15T24:00:00Z", "2030-01-15T10:60:00Z", "2030-01-15T10:00:60Z", "2030-01-15T10:00:00+25:00",
                "2030-01-15T10:00:00+02:60", "10000-01-15T10:00:00Z", "0000-01-15T10:00:00Z", "2030-01-15T10:00:00",
                "2030-01-15 10:00:00Z", "2030-01-15T10:00:00.Z", "2030-1-15T10:00:00Z", "2030-01-15T10:00Z", "+2030-01-15T10:00:00Z",
            ]
            for date in impossible {
                let reply = try await server.send(.post, "/meetings", as: 1, json: #"{"title": "T", "starts_at": "\#(date)", "invitee_ids": [2]}"#)
                #expect(reply.status == .badRequest && reply.errorCode == "malformed_body", "\(date): \(reply)")
                #expect(reply.json["error"]?["field"]?.stringValue == "starts_at", "\(date): \(reply)")
                #expect(reply.json["error"]?["message"]?.stringValue?.contains("RFC 3339") == true, "\(date): \(reply)")
            }
            #expect(try await server.head() == head, "nothing written")

            let leapDay = try await server.send(.post, "/meetings", as: 1, json: #"{"title": "T", "starts_at": "2032-02-29T10:00:00+02:00", "invitee_ids": [2]}"#)
            #expect(leapDay.status == .created && leapDay.json["starts_at"]?.stringValue == "2032-02-29T08:00:00.000Z", "\(leapDay)")

            // More precision than the store keeps is cut before the rules compare: moving a
            // meeting to the time it has is refused, not mailed.
            let id = try #require(leapDay.json["id"]?.stringValue)
            for same in ["2032-02-29T08:00:00.0004Z", "2032-02-29T08:00:00.000999999Z", "2032-02-29t10:00:00.0001+02:00"] {
                let reply = try await server.send(.post, "/meetings/\(id)/reschedule", as: 1, json: #"{"starts_at": "\#(same)"}"#)
                #expect(reply.status == .unprocessableContent && reply.errorCode == "same_start_time", "\(same): \(reply)")
            }
            let moved = try await server.send(.post, "/meetings/\(id)/reschedule", as: 1, json: #"{"starts_at": "2032-02-29T08:00:00.0015Z"}"#)
            #expect(moved.status == .ok && moved.json["starts_at"]?.stringValue == "2032-02-29T08:00:00.001Z", "\(moved)")
        }
    }

    @Test(arguments: Backend.available)
    func textIsMeasuredInScalarsAndKeptPlain(_ backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let later = TestServer.time(server.clock.now + 86_400)
            func schedule(title: String) async throws -> TestServer.Reply {
                let json = String(decoding: try JSONSerialization.data(withJSONObject: ["title": title, "starts_at": later, "invitee_ids": [2]]), as: UTF8.self)
                return try await server.send(.post, "/meetings", as: 1, json: json)
            }
            let head = try await server.head()
            let decomposed = String(repeating: "e\u{301}", count: 101)  // 101 characters, 202 scalars
            let combining = "a" + String(repeating: "\u{301}", count: 20_000)  // one character, 40 kB
            for (title, code) in [
                (decomposed, "too_long"), (combining, "too_long"), ("Retro\r\nBcc: all@example.com", "control_character"),
                ("Retro\u{1B}[31m", "control_character"), ("Retro\u{0}", "control_character"), ("Retro\u{2028}Notes", "control_character"),
                ("Tab\there", "control_character"),
            ] {
                let reply = try await schedule(title: title)
                let failures = reply.json["errors"]?["title"]?.arrayValue ?? []
                #expect(reply.status == .unprocessableContent && failures.contains { $0["code"]?.stringValue == code }, "\(title.prefix(30).debugDescription): \(reply.body.prefix(300))")
            }
            #expect(try await server.head() == head, "nothing written")
            let atTheLimit = try await schedule(title: String(repeating: "é", count: 200))
            #expect(atTheLimit.status == .created, "200 scalars are fine: \(atTheLimit.status)")

            let id = try #require(atTheLimit.json["id"]?.stringValue)
            for (reason, status) in [("Double\u{0}booked", HTTPResponse.Status.unprocessableContent), ("Bell\u{7}", .unprocessableContent)] {
                let reply = try await server.send(.post, "/meetings/\(id)/cancel", as: 1, json: String(decoding: try JSONSerialization.data(withJSONObject: ["reason": reason]), as: UTF8.self))
                #expect(reply.status == status && reply.json["errors"]?["reason"]?[0]?["code"]?.stringValue == "control_character", "\(reason.debugDescription): \(reply)")
            }
            let multiline = try await server.send(.post, "/meetings/\(id)/cancel", as: 1, json: #"{"reason": "Room is gone.\nSorry."}"#)
            #expect(multiline.status == .ok, "lines of plain text are fine: \(multiline)")
        }
    }

    @Test(arguments: Backend.available)
    func inviteesAreKnownUsersAndBounded(_ backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let later = TestServer.time(server.clock.now + 86_400)
            let head = try await server.head()
            let unknown = try await server.send(.post, "/meetings", as: 1, json: #"{"title": "", "starts_at": "\#(later)", "invitee_ids": [2, 99, 7]}"#)
            #expect(unknown.status == .unprocessableContent, "\(unknown)")
            #expect(unknown.json["errors"]?["invitee_ids[1]"]?[0]?["code"]?.stringValue == "unknown_user", "\(unknown)")
            #expect(unknown.json["errors"]?["invitee_ids[2]"]?[0]?["code"]?.stringValue == "unknown_user", "\(unknown)")
            #expect(unknown.json["errors"]?["title"]?[0]?["code"]?.stringValue == "blank", "every failure at once: \(unknown)")
            let many = try await server.send(.post, "/meetings", as: 1, json: #"{"title": "All", "starts_at": "\#(later)", "invitee_ids": \#(Array(2...52))}"#)
            #expect(many.status == .unprocessableContent && many.json["errors"]?["invitee_ids"]?[0]?["code"]?.stringValue == "too_long", "\(many.body.prefix(300))")
            #expect(try await server.head() == head, "nothing written")
            let outbox = try await server.rows("outbox", orderedBy: "idempotency_key")
            #expect(outbox.isEmpty, "no mail queued")
        }
    }

    @Test(arguments: Backend.available)
    func idsMethodsAndHeadAnswerByTheBook(_ backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let id = try await server.schedule(by: 1, inviting: [2])
            let upper = try await server.send(.get, "/meetings/\(id.uppercased())", as: 1)
            #expect(upper.status == .ok && upper.json["id"]?.stringValue == id, "an id in capitals is the same meeting: \(upper)")
            let accepted = try await server.send(.post, "/meetings/\(id.uppercased())/accept", as: 2)
            #expect(accepted.status == .ok, "\(accepted)")
            for path in ["/meetings/not-a-uuid", "/meetings/\(id)x/history", "/meetings/12345/accept"] {
                let method: HTTPRequest.Method = path.hasSuffix("accept") ? .post : .get
                let reply = try await server.send(method, path, as: 1)
                #expect(reply.status == .badRequest && reply.errorCode == "invalid_parameter" && reply.json["error"]?["field"]?.stringValue == "id", "\(path): \(reply)")
            }

            let missing = try await server.send(.get, "/nothing/here", documented: false)
            #expect(missing.status == .notFound && missing.errorCode == "not_found", "\(missing)")
            #expect(missing.headers[.contentType]?.hasPrefix("application/json") == true)
            let deleted = try await server.send(.delete, "/meetings/\(id)", as: 1, documented: false)
            #expect(deleted.status == .methodNotAllowed && deleted.errorCode == "method_not_allowed", "\(deleted)")
            #expect(deleted.headers[.allow] == "GET, HEAD, OPTIONS", "\(deleted.headers)")
            let put = try await server.send(.put, "/meetings", as: 1, json: "{}", documented: false)
            #expect(put.status == .methodNotAllowed && put.headers[.allow] == "GET, HEAD, OPTIONS, POST", "\(put)")
            let options = try await server.send(.options, "/meetings/\(id)/accept", documented: false)
            #expect(options.status == .noContent && options.headers[.allow] == "OPTIONS, POST", "\(options)")

            let get = try await server.send(.get, "/meetings/\(id)", as: 1)
            let head = try await server.send(.head, "/meetings/\(id)", as: 1, documented: false)
            #expect(head.status == .ok && head.body.isEmpty && head.headers[.eTag] == get.headers[.eTag], "\(head)")
            #expect(head.headers[.contentLength] == get.headers[.contentLength], "HEAD says how long GET's body is")
            let health = try await server.send(.head, "/health", documented: false)
            #expect(health.status == .ok && health.body.isEmpty)
        }
    }

    @Test(arguments: Backend.available)
    func visibilityIsCheckedBeforeAnythingIsTold(_ backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let id = try await server.schedule(by: 1, inviting: [2])
            let probes: [(HTTPRequest.Method, String, String?, HTTPFields)] = [
                (.get, "/meetings/\(id)?version=1", nil, [:]), (.get, "/meetings/\(id)?version=99", nil, [:]),
                (.get, "/meetings/\(id)/history", nil, [:]),
                (.post, "/meetings/\(id)/reschedule", #"{"starts_at": "\#(TestServer.time(server.clock.now + 7_200))"}"#, [.ifMatch: "\"7\""]),
                (.post, "/meetings/\(id)/accept", nil, [.ifMatch: "\"1\""]), (.post, "/meetings/\(id)/cancel", nil, [.ifMatch: "W/\"1\""]),
            ]
            for (method, path, json, headers) in probes {
                let reply = try await server.send(method, path, as: 5, json: json, headers: headers)
                #expect(reply.status == .forbidden && reply.errorCode == "not_a_participant", "\(method) \(path): \(reply)")
                #expect(!reply.body.contains("version"), "nothing of the meeting's versions: \(reply)")
            }
            let participant = try await server.send(.get, "/meetings/\(id)?version=99", as: 2)
            #expect(participant.status == .notFound && participant.errorCode == "version_not_found", "\(participant)")
        }
    }

    @Test(arguments: Backend.available)
    func ifMatchFollowsRFC9110(_ backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let id = try await server.schedule(by: 1, inviting: [2, 3])
            let star = try await server.send(.post, "/meetings/\(id)/accept", as: 2, headers: [.ifMatch: "*"])
            #expect(star.status == .ok && star.headers[.eTag] == "\"2\"", "\(star)")
            let weak = try await server.send(.post, "/meetings/\(id)/accept", as: 3, headers: [.ifMatch: "W/\"2\""])
            #expect(weak.status == .conflict && weak.json["error"]?["actual_version"]?.intValue == 2, "a weak tag never matches: \(weak)")
            let list = try await server.send(.post, "/meetings/\(id)/accept", as: 3, headers: [.ifMatch: "\"1\", \"2\""])
            #expect(list.status == .ok && list.headers[.eTag] == "\"3\"", "\(list)")
            let stale = try await server.send(.post, "/meetings/\(id)/decline", as: 3, headers: [.ifMatch: "\"2\""])
            #expect(stale.status == .conflict && stale.json["error"]?["expected_version"]?.intValue == 2, "\(stale)")
            let malformed = try await server.send(.post, "/meetings/\(id)/decline", as: 3, headers: [.ifMatch: "3"])
            #expect(malformed.status == .badRequest && malformed.errorCode == "malformed_if_match", "\(malformed)")
            let missing = try await server.send(.post, "/meetings/\(UUID().uuidString)/accept", as: 2, headers: [.ifMatch: "*"])
            #expect(missing.status == .notFound, "* needs a meeting that exists: \(missing)")
        }
    }
}
