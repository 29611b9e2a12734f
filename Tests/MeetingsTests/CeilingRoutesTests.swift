import Chronicle
import Foundation
import HTTPTypes
import TestSupport
import Testing

/// The routes `scripts/load-meetings` measures the HTTP stack's ceiling with: there only when
/// asked for, behind the token check, and doing what they say.
@Suite("Meetings: ceiling routes")
struct CeilingRoutesTests {
    @Test(arguments: Backend.available)
    func answerBehindTheTokenCheckWhenAskedFor(_ backend: Backend) async throws {
        try await TestServer.with(backend, ceilingRoutes: true) { server in
            let id = try await server.schedule(title: "Ceiling")
            let constant = try await server.send(.get, "/ceiling/static", as: 1, documented: false)
            #expect(constant.status == .ok && constant.json == ["status": "ok"], "\(constant)")
            let selected = try await server.send(.get, "/ceiling/meetings/\(id)", as: 1, documented: false)
            #expect(selected.status == .ok && selected.json == ["title": "Ceiling"], "\(selected)")
            let missing = try await server.send(.get, "/ceiling/meetings/\(UUID().uuidString.lowercased())", as: 1, documented: false)
            #expect(missing.status == .notFound && missing.errorCode == "not_found", "\(missing)")
            let anonymous = try await server.send(.get, "/ceiling/static", documented: false)
            #expect(anonymous.status == .unauthorized, "\(anonymous)")
        }
    }

    @Test
    func areNotServedByDefault() async throws {
        try await TestServer.with(.sqlite) { server in
            let reply = try await server.send(.get, "/ceiling/static", as: 1, documented: false)
            #expect(reply.status == .notFound, "\(reply)")
        }
    }
}
