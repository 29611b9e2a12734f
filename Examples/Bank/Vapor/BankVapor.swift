public import BankHTTP
import Chronicle
import ChronicleProjections
import ChronicleVapor
import Foundation
import NIOCore
public import Vapor

/// The bank served with Vapor: the routes of `BankAPI`, with Chronicle's error answers, a span
/// per request (the commands' spans and their events' reactions continue it), read-your-writes on the statement, the event feed and 405s, as `BankHummingbird` serves them.
public enum BankVapor: Sendable {
    /// Sets up a Vapor application to serve `api`: Chronicle's error middleware in place of
    /// Vapor's, bodies up to 64 KiB, the routes, and the read side's runners and the feed's
    /// streams in the application's lifecycle.
    ///
    /// - Parameters:
    ///   - app: The Vapor application.
    ///   - api: The bank's API.
    ///   - readTimeout: How long a read with `Chronicle-Min-Position` waits at most.
    public static func configure(_ app: Application, api: BankAPI, readTimeout: Duration = .seconds(2)) {
        app.middleware = Middlewares()
        app.middleware.use(ChronicleErrorMiddleware())
        app.middleware.use(TracingMiddleware())
        app.routes.defaultMaxBodySize = ByteCount(value: JSONRequestBody.defaultMaximumSize)
        app.lifecycle.use(ChronicleLifecycle(api.app))

        app.post("accounts") { request in
            let body = try await request.decodeJSON(OpenAccountBody.self)
            return try written(try await api.open(body, metadata: EventMetadata(request: request, actor: nil)), status: .created)
        }
        app.get("accounts", ":id") { request in
            let (account, version) = try await api.account(try id(request))
            let response = try json(account)
            response.setConsistency(version: version, position: nil)
            return response
        }
        app.post("accounts", ":id", "deposits") { request in
            let body = try await request.decodeJSON(AmountBody.self)
            return try written(
                try await api.deposit(
                    body, into: try id(request), ifMatch: request.headers.first(name: .ifMatch), metadata: EventMetadata(request: request, actor: nil)))
        }
        app.post("accounts", ":id", "withdrawals") { request in
            let body = try await request.decodeJSON(AmountBody.self)
            return try written(
                try await api.withdraw(
                    body, from: try id(request), ifMatch: request.headers.first(name: .ifMatch), metadata: EventMetadata(request: request, actor: nil)))
        }
        app.grouped(ReadYourWritesMiddleware(readSide: api.app.readSide, timeout: readTimeout))
            .get("accounts", ":id", "statement") { request in try json(try await api.statement(try id(request))) }
        let feed = EventFeed(app: api.app) { request in try api.feedConsumer(authorization: request.headers.first(name: .authorization)) }
        feed.register(on: app, atPath: "feed")
        app.lifecycle.use(feed)
        app.answerUnsupportedMethods()
    }

    private static func id(_ request: Request) throws -> String {
        guard let id = request.parameters.get("id") else { throw Abort(.notFound) }
        return id
    }

    private static func written(_ written: BankAPI.Written, status: HTTPResponseStatus = .ok) throws -> Response {
        let response = try json(written.account, status: status)
        response.setConsistency(version: written.version, position: written.position)
        return response
    }

    private static func json(_ value: some Encodable, status: HTTPResponseStatus = .ok) throws -> Response {
        Response(status: status, headers: ["Content-Type": "application/json; charset=utf-8"], body: .init(data: try BankAPI.json(value)))
    }
}
