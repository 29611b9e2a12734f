import Chronicle
import ChronicleSQL
import ChronicleHummingbird
public import ChronicleProjections
public import Foundation
import HTTPTypes
public import Hummingbird
import NIOCore
public import Prometheus
import MeetingsDomain

/// The meetings HTTP API: what each route does, over the application. `openapi.yaml` (served at
/// `/openapi.yaml`) describes every route, and a test keeps the two in agreement.
public struct MeetingsAPI: Sendable {
    /// The application: its store takes the commands' events, its read tables answer the reads.
    public let app: EventSourcedApp
    /// The bearer tokens the API issues and accepts.
    public let tokens: SessionTokens
    /// The clock of commands and of "upcoming".
    public let now: @Sendable () -> Date
    /// How long `GET /ready` waits for the database before it answers 503.
    public let readinessTimeout: Duration
    let aggregates: Aggregates
    /// The read tables as commands read them: on the database, whose versions are exact.
    let queries: MeetingQueries
    /// The read tables as the read routes read them: on the standby when the app has one.
    let readQueries: MeetingQueries
    /// The events as the read routes read them: on the standby when the app has one.
    let readStore: any SQLEventStore
    /// The metrics `GET /metrics` serves, if any.
    let metrics: PrometheusCollectorRegistry?

    /// Creates the API.
    ///
    /// - Parameters:
    ///   - app: The application (`EventSourcedApp.meetings(url:now:logger:pollInterval:operationTimeout:_:)`).
    ///   - tokens: The bearer tokens issued by `POST /sessions` and required by the other routes.
    ///   - now: The clock of commands and of "upcoming".
    ///   - readinessTimeout: How long `GET /ready` waits for the database: 900 ms by default, so
    ///     that it answers within a second whatever the database does.
    ///   - metrics: The registry of the metrics factory the app reports to, served in
    ///     Prometheus's text format at `GET /metrics`; `nil` serves none.
    public init(
        app: EventSourcedApp, tokens: SessionTokens, now: @escaping @Sendable () -> Date = Date.init,
        readinessTimeout: Duration = .milliseconds(900), metrics: PrometheusCollectorRegistry? = nil
    ) {
        self.metrics = metrics
        self.app = app
        self.tokens = tokens
        self.now = now
        self.readinessTimeout = readinessTimeout
        self.aggregates = app.aggregates()
        self.queries = MeetingQueries(database: app.store, now: now)
        self.readStore = app.replica?.database ?? app.store
        self.readQueries = MeetingQueries(database: readStore, now: now)
    }

    /// The router with every route. Other methods on a route's path answer 405 with `Allow`,
    /// other paths 404, both in JSON; `HEAD` is answered wherever `GET` is.
    ///
    /// - Parameter ceilingRoutes: Whether to add the routes that measure the HTTP stack's own
    ///   ceiling (`GET /ceiling/static` and `GET /ceiling/meetings/{id}`), which benchmarks use.
    public func router(ceilingRoutes: Bool = false) -> Router<MeetingsRequestContext> {
        let router = Router(context: MeetingsRequestContext.self, options: .autoGenerateHeadEndpoints)
        addRoutes(to: router)
        if ceilingRoutes { addCeilingRoutes(to: router) }
        router.answerUnsupportedMethods()
        return router
    }

    /// Adds the API's routes (the ones `openapi.yaml` documents) and their middleware.
    func addRoutes(to router: Router<MeetingsRequestContext>) {
        router.add(middleware: ChronicleErrorMiddleware(forbiddenCodes: MeetingError.forbiddenCodes))
        // A span per request, which commands and the reactions to their events continue.
        if Observability.isExporting { router.add(middleware: TracingMiddleware()) }
        router.get("/") { _, _ in try await page() }
        router.get("/openapi.yaml") { _, _ in Self.openAPIResponse() }
        router.get("/health") { _, _ in try JSONResponse.make(["status": "ok"]) }
        router.get("/ready") { _, _ in try await readiness() }
        if let metrics {
            router.get("/metrics") { _, _ in
                Response(
                    status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer())))
            }
        }
        router.post("/sessions") { request, context in try await startSession(request, context) }
        addFeed(to: router)
        addBrowser(to: router)

        let api = router.group()
            .add(middleware: Authentication(tokens: tokens))
            .add(middleware: ReadYourWritesMiddleware(readSide: app.readSide, replica: app.replica, timeout: .seconds(2)))
        api.post("/meetings") { request, context in try await schedule(request, context) }
        api.post("/meetings/{id}/accept") { request, context in
            _ = try await request.decodeJSON(EmptyBody.self, context: context, allowsEmpty: true)
            return try await execute(AcceptInvitation(userID: try context.user()), request, context)
        }
        api.post("/meetings/{id}/decline") { request, context in
            _ = try await request.decodeJSON(EmptyBody.self, context: context, allowsEmpty: true)
            return try await execute(DeclineInvitation(userID: try context.user()), request, context)
        }
        api.post("/meetings/{id}/reschedule") { request, context in
            let body = try await request.decodeJSON(RescheduleBody.self, context: context)
            return try await execute(RescheduleMeeting(userID: try context.user(), startsAt: body.startsAt), request, context)
        }
        api.post("/meetings/{id}/cancel") { request, context in
            let body = try await request.decodeJSON(CancelBody.self, context: context, allowsEmpty: true)
            return try await execute(CancelMeeting(userID: try context.user(), reason: body.reason), request, context)
        }
        api.post("/meetings/{id}/finish") { request, context in
            _ = try await request.decodeJSON(EmptyBody.self, context: context, allowsEmpty: true)
            return try await execute(FinishMeeting(userID: try context.user()), request, context)
        }
        api.get("/meetings") { request, context in try await listMeetings(request, context) }
        api.get("/meetings/{id}") { request, context in try await showMeeting(request, context) }
        api.get("/meetings/{id}/history") { request, context in try await history(request, context) }
        api.get("/users/{id}/agenda") { request, context in try await agenda(request, context) }
        api.get("/activity") { request, context in try await activity(request, context) }
        api.delete("/users/{id}/personal-data") { request, context in try await forgetPersonalData(request, context) }
    }

    /// `404 not_found` for a meeting id.
    static func meetingNotFound(_ id: String) -> ChronicleHTTPError {
        ChronicleHTTPError(status: .notFound, body: ChronicleHTTPError.error(code: "not_found", message: "No meeting has the id \(id)."))
    }

    /// `403 not_a_participant`.
    static let notAParticipant = ChronicleHTTPError(
        status: .forbidden,
        body: ChronicleHTTPError.error(code: "not_a_participant", message: "Only the organizer and the invitees can see this meeting."))

    /// The meeting id in the path, as stored: a UUID in lower case (given in either case).
    ///
    /// - Throws: 400 `invalid_parameter` naming `id` when it is not a UUID.
    static func meetingID(_ context: MeetingsRequestContext) throws -> String {
        let id = try context.parameters.require("id")
        guard let uuid = UUID(uuidString: id) else {
            throw ChronicleHTTPError(
                status: .badRequest,
                body: ChronicleHTTPError.error(
                    code: "invalid_parameter",
                    message: "id must be a meeting's id: a UUID such as 3f2504e0-4f89-41d3-9a0c-0305e82c3301.", field: "id"))
        }
        return uuid.uuidString.lowercased()
    }
}
