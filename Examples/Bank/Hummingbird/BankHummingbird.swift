public import BankHTTP
import Chronicle
import ChronicleHummingbird
import ChronicleProjections
import Foundation
public import Hummingbird
public import Logging
import NIOCore

/// The bank served with Hummingbird: the routes of `BankAPI`, with Chronicle's error answers,
/// a span per request (the commands' spans and their events' reactions continue it),
/// read-your-writes on the statement, the event feed and 405s.
public enum BankHummingbird: Sendable {
    /// The application, listening on a host and port, serving `api`.
    ///
    /// - Parameters:
    ///   - api: The bank's API.
    ///   - host: The address to listen on.
    ///   - port: The port; 0 for any free one.
    ///   - readTimeout: How long a read with `Chronicle-Min-Position` waits at most.
    ///   - logger: The server's logger.
    ///   - onServerRunning: Called with the port once the server listens.
    public static func application(
        api: BankAPI, host: String = "127.0.0.1", port: Int, readTimeout: Duration = .seconds(2),
        logger: Logger = Logger(label: "bank"),
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router(context: BankRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: ChronicleErrorMiddleware())
        router.add(middleware: TracingMiddleware())
        router.post("/accounts") { request, context in
            let body = try await request.decodeJSON(OpenAccountBody.self, context: context)
            return try written(try await api.open(body, metadata: metadata(request, context)), status: .created)
        }
        router.get("/accounts/{id}") { _, context in
            let (account, version) = try await api.account(try context.parameters.require("id"))
            var response = try json(account)
            response.setConsistency(version: version, position: nil)
            return response
        }
        router.post("/accounts/{id}/deposits") { request, context in
            let body = try await request.decodeJSON(AmountBody.self, context: context)
            let id = try context.parameters.require("id")
            return try written(try await api.deposit(body, into: id, ifMatch: request.headers[.ifMatch], metadata: metadata(request, context)))
        }
        router.post("/accounts/{id}/withdrawals") { request, context in
            let body = try await request.decodeJSON(AmountBody.self, context: context)
            let id = try context.parameters.require("id")
            return try written(try await api.withdraw(body, from: id, ifMatch: request.headers[.ifMatch], metadata: metadata(request, context)))
        }
        router.group("/accounts/{id}/statement")
            .add(middleware: ReadYourWritesMiddleware(readSide: api.app.readSide, timeout: readTimeout))
            .get { _, context in try json(try await api.statement(try context.parameters.require("id"))) }
        EventFeed<BankRequestContext>(app: api.app) { request, _ in
            try api.feedConsumer(authorization: request.headers[.authorization])
        }.addRoutes(to: router, atPath: "/feed")
        router.answerUnsupportedMethods()
        return Application(
            router: router, configuration: .init(address: .hostname(host, port: port)),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) }, logger: logger)
    }

    private static func metadata(_ request: Request, _ context: BankRequestContext) -> EventMetadata {
        EventMetadata(request: request, actor: nil, clientAddress: context.clientAddress)
    }

    private static func written(_ written: BankAPI.Written, status: HTTPResponse.Status = .ok) throws -> Response {
        var response = try json(written.account, status: status)
        response.setConsistency(version: written.version, position: written.position)
        return response
    }

    private static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try BankAPI.json(value))))
    }
}

/// A request's context: Hummingbird's storage and the client's address.
public struct BankRequestContext: RequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The client's IP address, when the connection has one.
    public let clientAddress: String?

    /// Creates the context of a request.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress
    }
}
