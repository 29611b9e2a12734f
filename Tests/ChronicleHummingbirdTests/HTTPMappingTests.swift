import Chronicle
import ChronicleHummingbird
import ExampleDomain
import MeetingsDomain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Chronicle over HTTP: errors as JSON responses, request metadata in events, ETags and positions.
@Suite struct HTTPMappingTests {
    struct ScheduleBody: Decodable {
        var title: String
        var startsAt: Date
        var inviteeIDs: [Int]
        var durationMinutes: Int?

        enum CodingKeys: String, CodingKey {
            case title, startsAt = "starts_at", inviteeIDs = "invitee_ids", durationMinutes = "duration_minutes"
        }
    }

    struct UserBody: Decodable {
        var userID: Int
        enum CodingKeys: String, CodingKey { case userID = "user_id" }
    }

    /// A small meetings API over a store; the acting user is in `X-User` (the tests' stand-in for authentication).
    static func application(store: InMemoryEventStore) -> some ApplicationProtocol {
        let aggregates = Aggregates(store: store, snapshots: nil)
        let router = Router()
        router.add(middleware: ChronicleErrorMiddleware(forbiddenCodes: ["not_organizer"]))
        router.post("/meetings/{id}") { request, context -> Response in
            let body = try await request.decodeJSON(ScheduleBody.self, context: context)
            let user = Int(request.headers[HTTPField.Name("X-User")!] ?? "") ?? 0
            let result = try await aggregates.execute(
                ScheduleMeeting(title: body.title, startsAt: body.startsAt, durationMinutes: body.durationMinutes, organizerID: user, inviteeIDs: body.inviteeIDs),
                on: EntityID<Meeting>(try context.parameters.require("id")),
                metadata: EventMetadata(request: request, actor: "user-\(user)", clientAddress: "127.0.0.1"))
            var response = Response(status: .created)
            response.setConsistency(version: result.version, position: result.position)
            return response
        }
        router.post("/meetings/{id}/accept") { request, context -> Response in
            let body = try await request.decodeJSON(UserBody.self, context: context)
            let id = EntityID<Meeting>(try context.parameters.require("id"))
            let current = try await aggregates.load(Meeting.self, id: id).version
            let result = try await aggregates.execute(
                AcceptInvitation(userID: body.userID), on: id, expected: try request.expectedVersion(currentVersion: current))
            var response = Response(status: .ok)
            response.setConsistency(version: result.version, position: result.position)
            return response
        }
        router.post("/meetings/{id}/cancel") { request, context -> Response in
            let body = try await request.decodeJSON(UserBody.self, context: context)
            try await aggregates.execute(CancelMeeting(userID: body.userID, reason: "no"), on: EntityID<Meeting>(try context.parameters.require("id")))
            return Response(status: .ok)
        }
        router.post("/notes/{id}") { request, context -> Response in
            let stream = StreamName(entityType: "note", entityID: try context.parameters.require("id"))
            let expected = try request.expectedVersion(currentVersion: try await store.readStream(stream).count)
            try await store.append([NewEvent(eventType: "meeting.noted", data: Data("{}".utf8))], to: stream, expected: expected)
            return Response(status: .ok)
        }
        return Application(router: router)
    }

    static let future = ISO8601DateFormatter().string(from: Date().addingTimeInterval(86_400))

    func post(_ client: some TestClientProtocol, _ uri: String, _ json: String, headers: HTTPFields = [:]) async throws -> (HTTPResponse.Status, HTTPFields, String) {
        var headers = headers
        if headers[.contentType] == nil { headers[.contentType] = "application/json" }
        return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: json)) { response in
            (response.status, response.headers, String(buffer: response.body))
        }
    }

    @Test func schedulesWithMetadataETagAndPosition() async throws {
        let store = InMemoryEventStore()
        try await Self.application(store: store).test(.router) { client in
            var headers: HTTPFields = [HTTPField.Name("X-User")!: "7", .userAgent: "curl/8", .xRequestID: "req-1"]
            headers[.contentType] = "application/json"
            let (status, responseHeaders, _) = try await post(
                client, "/meetings/m1", #"{"title":"Retro","starts_at":"\#(Self.future)","invitee_ids":[8,9]}"#, headers: headers)
            #expect(status == .created)
            #expect(responseHeaders[.eTag] == "\"1\"")
            #expect(responseHeaders[.chroniclePosition] == "1")
        }
        let event = try #require(try await store.readStream(StreamName(entityType: "meeting", entityID: "m1")).first)
        #expect(event.metadata.actor == "user-7")
        #expect(event.metadata.requestID == "req-1")
        #expect(event.metadata.custom == ["user_agent": .string("curl/8"), "client_address": .string("127.0.0.1")])
    }

    @Test func answersValidationFailuresWith422() async throws {
        let store = InMemoryEventStore()
        try await Self.application(store: store).test(.router) { client in
            let (status, _, body) = try await post(
                client, "/meetings/m1", #"{"title":" ","starts_at":"2020-01-01T00:00:00Z","invitee_ids":[]}"#, headers: [HTTPField.Name("X-User")!: "7"])
            #expect(status == .unprocessableContent)
            let errors = try #require((try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["errors"] as? [String: [[String: String]]], "\(body)")
            #expect(Set(errors.keys) == ["title", "starts_at", "invitee_ids"], "\(body)")
            #expect(errors["title"]?.first?["code"] == "blank", "\(body)")
        }
        #expect(await store.headPosition() == 0, "nothing written")
    }

    @Test func answersRulesConflictsAndMissingEntities() async throws {
        let store = InMemoryEventStore()
        try await Self.application(store: store).test(.router) { client in
            _ = try await post(client, "/meetings/m1", #"{"title":"Retro","starts_at":"\#(Self.future)","invitee_ids":[8]}"#, headers: [HTTPField.Name("X-User")!: "7"])

            let notInvited = try await post(client, "/meetings/m1/accept", #"{"user_id":5}"#)
            #expect(notInvited.0 == .unprocessableContent)
            #expect(notInvited.2 == #"{"error":{"code":"not_invited","message":"Only an invitee can answer the invitation."}}"#)

            let forbidden = try await post(client, "/meetings/m1/cancel", #"{"user_id":8}"#)
            #expect(forbidden.0 == .forbidden)
            #expect(forbidden.2.contains(#""code":"not_organizer""#))

            let first = try await post(client, "/notes/n1", "{}", headers: [.ifMatch: "\"0\""])
            #expect(first.0 == .ok)
            let conflict = try await post(client, "/notes/n1", "{}", headers: [.ifMatch: "\"5\""])
            #expect(conflict.0 == .conflict)
            let error = try #require((try JSONSerialization.jsonObject(with: Data(conflict.2.utf8)) as? [String: Any])?["error"] as? [String: Any])
            #expect(error["code"] as? String == "conflict" && error["expected_version"] as? Int == 5 && error["actual_version"] as? Int == 1, "\(conflict.2)")
            let matching = try await post(client, "/notes/n1", "{}", headers: [.ifMatch: "\"1\""])
            #expect(matching.0 == .ok)
            for malformed in ["1", "\"1", "\"1\" \"2\"", "W/1", ""] {
                let answer = try await post(client, "/notes/n1", "{}", headers: [.ifMatch: malformed])
                #expect(answer.0 == .badRequest && answer.2.contains("malformed_if_match") && answer.2.contains(#""field":"If-Match""#), "\(malformed): \(answer)")
            }
            // RFC 9110: a weak tag never matches If-Match; * matches any version; a list matches any of its tags.
            let weak = try await post(client, "/notes/n1", "{}", headers: [.ifMatch: "W/\"2\""])
            #expect(weak.0 == .conflict && weak.2.contains("weak tag"), "\(weak)")
            let star = try await post(client, "/notes/n1", "{}", headers: [.ifMatch: "*"])
            #expect(star.0 == .ok, "\(star)")
            let list = try await post(client, "/notes/n1", "{}", headers: [.ifMatch: "\"7\", W/\"3\", \"3\""])
            #expect(list.0 == .ok, "\(list)")
            let missed = try await post(client, "/notes/n1", "{}", headers: [.ifMatch: "\"1\", \"2\""])
            #expect(missed.0 == .conflict && missed.2.contains(#""actual_version":4"#), "\(missed)")

            // If-Match on a command: the version the client saw, or 409 without deciding again.
            let accepted = try await post(client, "/meetings/m1/accept", #"{"user_id":8}"#, headers: [.ifMatch: "\"1\""])
            #expect(accepted.0 == .ok && accepted.1[.eTag] == "\"2\"", "\(accepted)")
            let stale = try await post(client, "/meetings/m1/accept", #"{"user_id":8}"#, headers: [.ifMatch: "\"1\""])
            #expect(stale.0 == .conflict && stale.2.contains(#""actual_version":2"#) && stale.2.contains(#""expected_version":1"#), "\(stale)")

            let missing = try await post(client, "/meetings/nothing/accept", #"{"user_id":8}"#)
            #expect(missing.0 == .notFound && missing.2.contains(#""code":"not_found""#), "\(missing)")
        }
    }

    @Test func answersMalformedBodiesWith400NamingTheField() async throws {
        let store = InMemoryEventStore()
        try await Self.application(store: store).test(.router) { client in
            let cases: [(String, String?)] = [
                (#"{"title":42,"starts_at":"\#(Self.future)","invitee_ids":[8]}"#, "title"),
                (#"{"title":"Retro","starts_at":"\#(Self.future)","invitee_ids":[8,"nine"]}"#, "invitee_ids[1]"),
                (#"{"title":"Retro","invitee_ids":[8]}"#, "starts_at"),
                (#"{"title":"Retro""#, nil),
            ]
            for (json, field) in cases {
                let (status, _, body) = try await post(client, "/meetings/m1", json, headers: [HTTPField.Name("X-User")!: "7"])
                #expect(status == .badRequest, "\(json): \(body)")
                let error = (try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["error"] as? [String: Any]
                #expect(error?["code"] as? String == "malformed_body", "\(body)")
                #expect(error?["field"] as? String == field, "\(json): \(body)")
            }
            let large = "{\"title\":\"" + String(repeating: "x", count: 100_000) + "\"}"
            let (status, _, body) = try await post(client, "/meetings/m1", large, headers: [HTTPField.Name("X-User")!: "7"])
            #expect(status == .contentTooLarge, "\(body)")
        }
        #expect(await store.headPosition() == 0, "nothing written")
    }
}
