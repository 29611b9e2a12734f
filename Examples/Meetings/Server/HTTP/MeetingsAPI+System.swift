import ChronicleHummingbird
import ChronicleProjections
import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore

extension MeetingsAPI {
    /// `POST /sessions`: a bearer token for a demo user.
    func startSession(_ request: Request, _ context: MeetingsRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(SessionBody.self, context: context)
        guard let user = DemoUsers.user(body.userID) else {
            throw ChronicleHTTPError(
                status: .unprocessableContent,
                body: ChronicleHTTPError.error(code: "unknown_user", message: "User \(body.userID) is not a demo user: pick one of 1–\(DemoUsers.all.count), or \(DemoUsers.integration.id) for the integration account."))
        }
        let (token, expiresAt) = try await tokens.issue(for: user.id)
        return try JSONResponse.make(Session(token: token, userID: user.id, name: user.name, expiresAt: expiresAt), status: .created)
    }

    /// `GET /ready`: 200 when the database answers and takes writes and every projection and
    /// reactor is live; 503 with `Retry-After` and the problems otherwise (a database down or
    /// out of space, a projection not migrated, needing a rebuild, failing or with parked
    /// events). It answers within ``readinessTimeout`` (a second by default), whatever the
    /// database does.
    func readiness() async throws -> Response {
        let readiness = await app.readSide.readiness(within: readinessTimeout)
        guard readiness.isReady else {
            return try JSONResponse.make(readiness, status: .serviceUnavailable, headers: [.retryAfter: "1"])
        }
        return try JSONResponse.make(readiness)
    }

    /// `GET /`: the page, rendered with the demo users; it calls the API from the browser and
    /// follows the event feed's stream for live updates.
    func page() async throws -> Response {
        let html = try Self.renderedPage.get()
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// The page, rendered once: it depends on the demo users alone.
    private static let renderedPage = Result<String, any Error> {
        let template = try MustacheTemplate(string: try resource("index", "mustache"))
        return template.render([
            "users": DemoUsers.all.map { ["id": $0.id, "name": $0.name] as [String: Any] },
            "admins": DemoUsers.admins.sorted(),
        ])
    }

    /// `GET /openapi.yaml`.
    static func openAPIResponse() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/yaml; charset=utf-8"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: openAPIDocument)))
    }

    /// The API's OpenAPI description.
    public static var openAPIDocument: String {
        (try? resource("openapi", "yaml")) ?? ""
    }

    private static func resource(_ name: String, _ type: String) throws -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: type, subdirectory: "Resources") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "Resources/\(name).\(type)"])
        }
        return try String(contentsOf: url, encoding: .utf8)
    }
}

/// `POST /sessions`' answer.
struct Session: Encodable {
    var token: String
    var userID: Int
    var name: String
    var expiresAt: Date
    enum CodingKeys: String, CodingKey { case token, name, userID = "user_id", expiresAt = "expires_at" }
}
