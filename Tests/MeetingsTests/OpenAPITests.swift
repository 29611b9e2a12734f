import ChronicleHummingbird
import ChronicleProjections
import Foundation
import HTTPTypes
import Hummingbird
import Logging
@testable import MeetingsServer
import TestSupport
import Prometheus
import Testing

/// `openapi.yaml` describes exactly the routes the server has and the fields each body takes.
/// (Each request of the end-to-end tests also checks its status is documented.)
@Suite("Meetings: OpenAPI document")
struct OpenAPITests {
    @Test func documentsExactlyTheRoutesOfTheRouter() async throws {
        try await Backend.sqlite.withDatabase { url in
            try await EventSourcedApp.meetings(url: url) { app in
                let router = Router(context: MeetingsRequestContext.self)
                MeetingsAPI(app: app, tokens: await SessionTokens.random(), metrics: PrometheusCollectorRegistry()).addRoutes(to: router)
                let served = Set(router.routes.map { "\($0.method.rawValue) \($0.path)" })
                let documented = Set(OpenAPIDocument.shared.operations.flatMap { path, methods in methods.keys.map { "\($0) \(path)" } })
                #expect(!served.isEmpty)
                #expect(served.subtracting(documented).isEmpty, "served but not documented: \(served.subtracting(documented).sorted())")
                #expect(documented.subtracting(served).isEmpty, "documented but not served: \(documented.subtracting(served).sorted())")
            }
        }
    }

    @Test func documentsExactlyTheFieldsOfEachBody() {
        func fields<Body: StrictRequestBody>(_ type: Body.Type) -> Set<String> {
            Set(Body.CodingKeys.allCases.map(\.stringValue))
        }
        let bodies: [String: Set<String>] = [
            "POST /sessions": fields(SessionBody.self),
            "POST /meetings": fields(ScheduleBody.self),
            "POST /meetings/{id}/reschedule": fields(RescheduleBody.self),
            "POST /meetings/{id}/cancel": fields(CancelBody.self),
            "POST /meetings/{id}/accept": fields(EmptyBody.self),
            "POST /meetings/{id}/decline": fields(EmptyBody.self),
            "POST /meetings/{id}/finish": fields(EmptyBody.self),
        ]
        let documented = OpenAPIDocument.shared.requestProperties.flatMap { path, methods in
            methods.map { ("\($0.key) \(path)", $0.value) }
        }
        #expect(Set(documented.map(\.0)) == Set(bodies.keys), "the operations with a body")
        for (operation, properties) in documented {
            #expect(properties == bodies[operation], "\(operation)")
        }
    }
}
