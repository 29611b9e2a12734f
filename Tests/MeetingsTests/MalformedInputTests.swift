import Chronicle
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
@testable import MeetingsServer
import TestSupport
import Testing

/// Bodies that cannot be read and callers who cannot be trusted: a clear 4xx naming the field,
/// nothing written.
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
                ("/meetings", #"{"title": "Retro", "starts_at": "\#(later)", "invitee_ids": [2], "duration_minutes": 30.5}"#, .badRequest, "malformed_body", "duration_minutes"),
                ("/meetings", #"{"title": "Retro", "starts_at": "\#(later)", "invitee_ids": [2], "duration_minutes": 99999999999999999999}"#, .badRequest, "malformed_body", "duration_minutes"),
                ("/meetings", #"{"title": "Retro", "starts_at": "\#(later)", "invitee_ids": [2.5]}"#, .badRequest, "malformed_body", "invitee_ids[0]"),
                ("/meetings", #"{"title": "Retro", "starts_at": "\#(later)", "invitee_ids": [2], "duration_minutes": 030}"#, .badRequest, "malformed_body", "duration_minutes"),
                ("/meetings", #"{"title": null, "starts_at": "\#(later)", "invitee_ids": [2]}"#, .badRequest, "malformed_body", "title"),
                ("/meetings", #"{"starts_at": "\#(later)", "invitee_ids": [2]}"#, .badRequest, "malformed_body", "title"),
                ("/meetings", #"{"title": "Retro", "title": "Other", "starts_at": "\#(later)", "invitee_ids": [2]}"#, .badRequest, "duplicate_field", "title"),
                ("/meetings", #"{"title": "Retro", "starts_at": "\#(later)", "invitee_ids": [2], "room": "A"}"#, .badRequest, "unknown_field", "room"),
                ("/meetings", #"{"title": "Retro", "startsAt": "\#(later)", "starts_at": "\#(later)", "invitee_ids": [2]}"#, .badRequest, "unknown_field", "startsAt"),
                ("/meetings", #"{"title": "Retro", "starts_at": "\#(later)", "invitee_ids": [2]} trailing"#, .badRequest, "malformed_body", nil),
                ("/meetings/\(id)/accept", #"{"user_id": 3}"#, .badRequest, "unknown_field", "user_id"),
                ("/meetings/\(id)/accept", "[]", .badRequest, "malformed_body", nil),
                ("/meetings/\(id)/cancel", #"{"reason": 3}"#, .badRequest, "malformed_body", "reason"),
                ("/meetings/\(id)/cancel", #"{"reason": "a", "reason": "b"}"#, .badRequest, "duplicate_field", "reason"),
                ("/meetings/\(id)/reschedule", "", .badRequest, "missing_body", nil),
                ("/sessions", #"{"user_id": "1"}"#, .badRequest, "malformed_body", "user_id"),
                ("/sessions", #"{"user_id": 1, "user_id": 2}"#, .badRequest, "duplicate_field", "user_id"),
            ]
            let head = try await server.head()
            for item in cases {
                let reply = try await server.send(.post, item.path, as: 1, json: item.json)
                #expect(reply.status == item.status && reply.errorCode == item.code, "\(item.json): \(reply)")
                #expect(reply.json["error"]?["field"]?.stringValue == item.field, "\(item.json): \(reply)")
                let message = reply.json["error"]?["message"]?.stringValue ?? ""
                #expect(!message.isEmpty, "\(item.json): \(reply)")
                for swiftName in ["Int", "Double", "String", "Optional", "Array", "Dictionary", "Date", "Swift."] {
                    #expect(!message.contains(swiftName), "\(item.json): the message names a Swift type: \(message)")
                }
            }
            let truncated = try await server.send(.post, "/meetings", as: 1, json: #"{"title": "Retro", "#)
            #expect(truncated.json["error"]?["message"]?.stringValue?.contains("line 1, column 20") == true, "\(truncated)")

            // A body must be JSON, and say so.
            let valid = #"{"title": "Retro", "starts_at": "\#(later)", "invitee_ids": [2]}"#
            for contentType in ["text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin-1", ""] {
                let reply = try await server.send(.post, "/meetings", as: 1, json: valid, headers: [.contentType: contentType])
                #expect(reply.status == .unsupportedMediaType && reply.errorCode == "unsupported_media_type", "\(contentType): \(reply)")
            }
            let token = try await server.tokens.issue(for: 1).token
            let untyped = try await server.client.execute(
                uri: "/meetings", method: .post, headers: [.authorization: "Bearer \(token)"], body: ByteBuffer(string: valid)
            ) { $0.status }
            #expect(untyped == .unsupportedMediaType, "a body without Content-Type")
            let huge = #"{"title": "\#(String(repeating: "a", count: 1_048_576))", "starts_at": "\#(later)", "invitee_ids": [2]}"#
            let tooLarge = try await server.send(.post, "/meetings", as: 1, json: huge)
            #expect(tooLarge.status == .contentTooLarge && tooLarge.errorCode == "body_too_large", "\(tooLarge.status)")
            #expect(try await server.head() == head, "nothing written")
            let meetings = try await server.send(.get, "/meetings", as: 1)
            #expect(meetings.json["meetings"]?.arrayValue.count == 1)
            let json = try await server.send(.post, "/meetings", as: 1, json: valid, headers: [.contentType: "application/json; charset=UTF-8"])
            #expect(json.status == .created, "JSON with its charset is fine: \(json)")
        }
    }

    @Test(arguments: Backend.available)
    func onlyValidTokensAreAccepted(_ backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let later = TestServer.time(server.clock.now + 86_400)
            let body = #"{"title": "Retro", "starts_at": "\#(later)", "invitee_ids": [2]}"#
            let valid = try await server.tokens.issue(for: 1).token
            let parts = valid.split(separator: ".").map(String.init)
            let forger = await SessionTokens(secret: Data("another secret, just as long as the real one".utf8), now: { server.clock.now })
            server.clock.advance(-13 * 3_600)
            let expired = try await server.tokens.issue(for: 1).token
            server.clock.advance(13 * 3_600)
            // The same claims for user 2 and a later expiry, with the first token's signature.
            let payload = try #require(try JSONSerialization.jsonObject(with: Self.base64URLDecoded(parts[1])) as? [String: Any])
            let otherUser = Self.base64URL(try JSONSerialization.data(withJSONObject: payload.merging(["sub": "2"]) { $1 }))
            let longer = Self.base64URL(try JSONSerialization.data(withJSONObject: payload.merging(["exp": 4_102_444_800]) { $1 }))
            let unsigned = Self.base64URL(Data(#"{"alg":"none","typ":"JWT"}"#.utf8)) + ".\(parts[1])."
            // Another spelling of the same signature: the last character's unused low bits set.
            let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
            let last = try #require(alphabet.firstIndex(of: parts[2].last!))
            let respelled = parts[0] + "." + parts[1] + "." + parts[2].dropLast() + String(alphabet[last ^ 1])
            #expect(Self.base64URLDecoded(String(respelled.split(separator: ".")[2])) == Self.base64URLDecoded(parts[2]), "the same bytes")
            let refused: [(String?, String)] = [
                (nil, "A bearer token is required: get one from POST /sessions."),
                ("Basic dXNlcjpwYXNz", "The Authorization header must be \"Bearer <token>\"."),
                ("Bearer ", "The token is not valid."),
                ("Bearer garbage", "The token is not valid."),
                ("Bearer \(try await forger.issue(for: 1).token)", "The token is not valid."),
                ("Bearer \(parts[0]).\(otherUser).\(parts[2])", "The token is not valid."),
                ("Bearer \(parts[0]).\(longer).\(parts[2])", "The token is not valid."),
                ("Bearer \(unsigned)", "The token is not valid."),
                ("Bearer \(respelled)", "The token is not valid."),
                ("Bearer \(valid)=", "The token is not valid."),
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

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func base64URLDecoded(_ text: String) -> Data {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64) ?? Data()
    }
}
