import Chronicle
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

/// Two `meetings` servers, real processes, on one PostgreSQL database: concurrent commands on
/// one meeting without `If-Match` all succeed. Each server queues its own; the conflicts between
/// the two are decided again after a backoff and never reach a client. On SQLite, which serves
/// one process, the second server is refused.
@Suite("Meetings: two processes on one meeting")
struct TwoProcessTests {
    @Test func aSecondServerOnOneSQLiteFileIsRefusedNamingTheFirst() async throws {
        try await Backend.sqlite.withDatabase { database in
            let migrated = try await ChildProcess.run("meetings", ["migrate", "--database-url", database])
            #expect(migrated.status == 0, "\(migrated)")
            let environment = ["MEETINGS_TOKEN_SECRET": "two processes share this secret, long enough", "LOG_LEVEL": "error"]
            let ports = try [FreePort.next(), FreePort.next()]
            let first = try ChildProcess.start("meetings", ["serve", "--database-url", database, "--port", String(ports[0])], environment: environment)
            do {
                try await Self.waitUntilServing(ports[0])
                let second = try ChildProcess.start("meetings", ["serve", "--database-url", database, "--port", String(ports[1])], environment: environment)
                let refused = try await second.wait()
                #expect(refused.status != 0, "\(refused)")
                #expect(
                    refused.errors.contains("runs the projections and reactors of the SQLite database")
                        && refused.errors.contains("use PostgreSQL for several nodes"),
                    "\(refused)")
                let health = try await Self.request(ports[0], .get, "/health")
                #expect(health.status == .ok, "the first server goes on")
            } catch {
                let printed = (try? await first.stop()).map { "\($0)" } ?? ""
                throw TestSupportError("\(error)\nThe first server printed:\n\(printed)")
            }
            let run = try await first.stop()
            #expect(run.status == 0, "\(run)")
        }
    }

    @Test(arguments: Backend.available.filter { $0 != .sqlite })
    func concurrentCommandsAcrossProcessesNeverAnswer409(_ backend: Backend) async throws {
        try await backend.withDatabase { database in
            let migrated = try await ChildProcess.run("meetings", ["migrate", "--database-url", database])
            #expect(migrated.status == 0, "\(migrated)")
            let environment = ["MEETINGS_TOKEN_SECRET": "two processes share this secret, long enough", "LOG_LEVEL": "error"]
            let ports = try [FreePort.next(), FreePort.next()]
            let servers = try ports.map { port in
                try ChildProcess.start("meetings", ["serve", "--database-url", database, "--port", String(port)], environment: environment)
            }
            do {
                for port in ports { try await Self.waitUntilServing(port) }
                let token = try #require(try await Self.request(ports[0], .post, "/sessions", json: #"{"user_id": 1}"#).json["token"]?.stringValue)
                let later = Date().addingTimeInterval(86_400)
                let scheduled = try await Self.request(
                    ports[0], .post, "/meetings", token: token,
                    json: #"{"title": "Busy", "starts_at": "\#(RFC3339.string(from: later))", "invitee_ids": [2, 3]}"#)
                let id = try #require(scheduled.json["id"]?.stringValue, "\(scheduled.status) \(scheduled.body)")

                let replies = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String).self) { group in
                    for index in 1...50 {
                        let time = RFC3339.string(from: later.addingTimeInterval(Double(index) * 600))
                        group.addTask {
                            let reply = try await Self.request(
                                ports[index % 2], .post, "/meetings/\(id)/reschedule", token: token, json: #"{"starts_at": "\#(time)"}"#)
                            return (reply.status, reply.body)
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(replies.allSatisfy { $0.0 == .ok }, "no 409, no 503: \(replies.filter { $0.0 != .ok })")
                let meeting = try await Self.request(ports[1], .get, "/meetings/\(id)", token: token)
                #expect(meeting.json["version"]?.intValue == 51, "\(meeting.body)")
            } catch {
                var printed: [String] = []
                for server in servers { printed.append((try? await server.stop()).map { "\($0)" } ?? "") }
                throw TestSupportError("\(error)\nThe servers printed:\n\(printed.joined(separator: "\n"))")
            }
            for server in servers {
                let run = try await server.stop()
                #expect(!run.errors.contains("409"), "\(run)")
            }
        }
    }

    /// One request, as a user (with a token) or anonymous.
    static func request(
        _ port: Int, _ method: HTTPRequest.Method, _ path: String, token: String? = nil, json: String? = nil
    ) async throws -> TestServer.Reply {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await TestServer.request(port, method, path, headers: headers, json: json)
    }

    static func waitUntilServing(_ port: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let reply = try? await request(port, .get, "/health"), reply.status == .ok { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestSupportError("The server on port \(port) did not start within 30 s.")
    }
}
