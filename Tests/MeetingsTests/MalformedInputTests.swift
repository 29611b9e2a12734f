import Chronicle
import Foundation
import HTTPTypes
@testable import MeetingsServer
import TestSupport
import Testing

/// Bodies that cannot be read and callers who cannot be trusted: a clear 4xx, nothing written.
@Suite("Meetings: malformed input and authentication")
struct MalformedInputTests {
    @Test(arguments: Backend.available)
    func unreadableBodiesAreRefusedWithTheField(_ backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let id = try await server.schedule(by: 1, inviting: [2])
            let later = TestServer.time(server.clock.now + 86_400)
            let cases: [(path: String, json: String, status: HTTPResponse.Status, code: String, field: String?)] = [
                ("/meetings", #"{"title": "Retro", "#, .badRequest, "malformed_body", nil),
                ("/meetings", "[]", .badRequest, "malformed_body", nil),
                ("/meetings", #"{"title": 5, "starts_at": "\#(later)", "invitee_ids": [2]}"#, .badRequest, "malformed_body", "title"),
                ("/meetings", #"{"title": "Retro", "starts_at": "tomorrow", "invitee_ids": [2]}"#, .badRequest, "malformed_body", "starts_at"),
                ("/meetings", #"{"title": "Retro", "starts_at": "\#(later)", "invitee_ids": "2"}"#, .badRequest, "malformed_body", "invitee_ids"),
                ("/meetings", #"{"title": "Retro", "starts_at": "\#(later)", "invitee_ids": [2, "x"]}"#, .badRequest, "malformed_body", "invitee_ids[1]"),
                ("/meetings", #"{"title": "Retro", "starts_at": "\#(later)", "invitee_ids": [2], "duration_minutes": "30"}"#, .badRequest, "malformed_body", "duration_minutes"),
                ("/meetings", #"{"title": null, "starts_at": "\#(later)", "invitee_ids": [2]}"#, .badRequest, "malformed_body", "title"),
                ("/meetings", #"{"starts_at": "\#(later)", "invitee_ids": [2]}"#, .badRequest, "malformed_body", "title"),
                ("/meetings", #"{"title": "Retro", "starts_at": "\#(later)", "invitee_ids": [2], "room": "A"}"#, .badRequest, "unknown_field", "room"),
                ("/meetings", #"{"title": "Retro", "startsAt": "\#(later)", "starts_at": "\#(later)", "invitee_ids": [2]}"#, .badRequest, "unknown_field", "startsAt"),
                ("/meetings/\(id)/accept", #"{"user_id": 3}"#, .badRequest, "unknown_field", "user_id"),
                ("/meetings/\(id)/accept", "[]", .badRequest, "malformed_body", nil),
                ("/meetings/\(id)/cancel", #"{"reason": 3}"#, .badRequest, "malformed_body", "reason"),
                ("/meetings/\(id)/reschedule", "", .badRequest, "malformed_body", nil),
                ("/sessions", #"{"user_id": "1"}"#, .badRequest, "malformed_body", "user_id"),
            ]
            let head = try await server.head()
            for item in cases {
                let reply = try await server.send(.post, item.path, as: 1, json: item.json)
                #expect(reply.status == item.status && reply.errorCode == item.code, "\(item.json): \(reply)")
                #expect(reply.json["error"]?["field"]?.stringValue == item.field, "\(item.json): \(reply)")
                #expect(reply.json["error"]?["message"]?.stringValue?.isEmpty == false)
            }
            let huge = #"{"title": "\#(String(repeating: "a", count: 1_048_576))", "starts_at": "\#(later)", "invitee_ids": [2]}"#
            let tooLarge = try await server.send(.post, "/meetings", as: 1, json: huge)
            #expect(tooLarge.status == .contentTooLarge && tooLarge.errorCode == "body_too_large", "\(tooLarge.status)")
            #expect(try await server.head() == head, "nothing written")
            let meetings = try await server.send(.get, "/meetings", as: 1)
            #expect(meetings.json["meetings"]?.arrayValue.count == 1)
        }
    }

    @Test(arguments: Backend.available)
    func onlyValidTokensAreAccepted(_ backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let later = TestServer.time(server.clock.now + 86_400)
            let body = #"{"title": "Retro", "starts_at": "\#(later)", "invitee_ids": [2]}"#
            let valid = server.tokens.issue(for: 1).token
            let parts = valid.split(separator: ".")
            let forger = SessionTokens(secret: Data("another secret, just as long as the real one".utf8), now: { server.clock.now })
            server.clock.advance(-13 * 3_600)
            let expired = server.tokens.issue(for: 1).token
            server.clock.advance(13 * 3_600)
            let refused: [(String?, String)] = [
                (nil, "A bearer token is required: get one from POST /sessions."),
                ("Basic dXNlcjpwYXNz", "The Authorization header must be \"Bearer <token>\"."),
                ("Bearer ", "The token is not valid."),
                ("Bearer garbage", "The token is not valid."),
                ("Bearer \(forger.issue(for: 1).token)", "The token is not valid."),
                ("Bearer 2.\(parts[1]).\(parts[2])", "The token is not valid."),
                ("Bearer \(parts[0]).\(Int(parts[1])! + 86_400).\(parts[2])", "The token is not valid."),
                ("Bearer \(expired)", "The token has expired: get a new one from POST /sessions."),
            ]
            for (authorization, message) in refused {
                var headers = HTTPFields()
                if let authorization { headers[.authorization] = authorization }
                for (method, path, json) in [(HTTPRequest.Method.post, "/meetings", Optional(body)), (.get, "/meetings", nil), (.get, "/activity", nil)] {
                    let reply = try await server.send(method, path, json: json, headers: headers)
                    #expect(reply.status == .unauthorized && reply.headers[.wwwAuthenticate] == "Bearer", "\(authorization ?? "none"): \(reply)")
                    #expect(reply.json == ["error": ["code": "unauthorized", "message": .string(message)]], "\(reply)")
                }
            }
            #expect(try await server.head() == 0, "nothing written")
            let accepted = try await server.send(.post, "/meetings", json: body, headers: [.authorization: "Bearer \(valid)"])
            #expect(accepted.status == .created, "the untampered token works: \(accepted)")
        }
    }
}
