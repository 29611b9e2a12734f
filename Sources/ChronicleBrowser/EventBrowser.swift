import Chronicle
public import ChronicleProjections
import ChronicleHummingbird
import Foundation
import HTTPTypes
public import Hummingbird

/// A read-only web browser of the event log, for developers and operators, that an app mounts
/// on its router under a path prefix.
///
/// | page | shows |
/// |---|---|
/// | `<prefix>/` | the log, newest first, paged by position, filtered by event type, entity type and time |
/// | `<prefix>/streams/{entity id}` | one entity's events with their versions, and its state at a version |
/// | `<prefix>/events/{event id}` | an event's data as stored and as upcast, its metadata, its causation parent and children, its correlation group, and which projections and reactors have handled it |
/// | `<prefix>/correlations/{id}` | everything one request or command caused, as a timeline |
/// | `<prefix>/search?q=` | an event id, entity id or correlation id, redirected to its page |
/// | `<prefix>/projections` | projections and reactors: checkpoint, head, lag, state, last error, rebuild progress; retry and rebuild buttons |
///
/// Every page asks `authorize` first. The buttons (retry a failing projection or reactor, start
/// an online rebuild) also ask `authorizeOperations`; without it they are not shown and their
/// routes do not exist. Pages are server-rendered HTML that escapes every value, served with a
/// content security policy that allows no script, so event data cannot inject markup.
///
/// ```swift
/// let browser = EventBrowser<AppContext>(app: app, aggregates: [.init(Meeting.self)]) { request, context in
///     guard context.user?.isAdmin == true else { throw ChronicleHTTPError.forbidden("Admins only.") }
/// } authorizeOperations: { request, context in
///     guard let user = context.user, user.isOperator else { throw ChronicleHTTPError.forbidden("Operators only.") }
///     return "ops:\(user.name)"
/// }
/// browser.addRoutes(to: router, atPath: "/admin/events")
/// ```
public struct EventBrowser<Context: RequestContext>: Sendable {
    /// Admits a request to the browser, or throws (a 401 or 403 `ChronicleHTTPError`).
    public typealias Authorization = @Sendable (Request, Context) async throws -> Void
    /// Admits a request to an operation and names who asks, for the read side's audit; or throws.
    public typealias OperationsAuthorization = @Sendable (Request, Context) async throws -> String

    /// The application whose log and read side are shown.
    public let app: EventSourcedApp
    /// How many events a page of the log shows.
    public let pageSize: Int
    let aggregates: [String: BrowsableAggregate]
    let authorize: Authorization
    let authorizeOperations: OperationsAuthorization?
    let rebuilds = RebuildJobs()

    /// Creates a browser.
    ///
    /// - Parameters:
    ///   - app: The application.
    ///   - aggregates: The aggregates whose state stream pages show.
    ///   - pageSize: Events per page of the log: 50 by default.
    ///   - authorize: Who may see the browser.
    ///   - authorizeOperations: Who may retry and rebuild, and the name the audit records; the
    ///     buttons are left out when `nil`.
    public init(
        app: EventSourcedApp, aggregates: [BrowsableAggregate] = [], pageSize: Int = 50,
        authorize: @escaping Authorization, authorizeOperations: OperationsAuthorization? = nil
    ) {
        self.app = app
        self.pageSize = pageSize
        self.aggregates = Dictionary(aggregates.map { ($0.entityType, $0) }, uniquingKeysWith: { $1 })
        self.authorize = authorize
        self.authorizeOperations = authorizeOperations
    }

    /// Adds the browser's pages under a prefix.
    ///
    /// - Parameters:
    ///   - router: The router or group.
    ///   - prefix: Where the browser lives, such as `/admin/events`.
    public func addRoutes(to router: some RouterMethods<Context>, atPath prefix: String) {
        let base = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        let group = router.group(RouterPath(base))
        func page(_ path: RouterPath, _ handler: @escaping @Sendable (Request, Context) async throws -> Response) {
            group.get(path) { request, context in
                do {
                    try await authorize(request, context)
                    return try await handler(request, context)
                } catch {
                    return BrowserPage.errorResponse(error, base: base)
                }
            }
        }
        page("") { request, context in try await logPage(request, context, base: base) }
        page("events/{id}") { request, context in try await eventPage(request, context, base: base) }
        page("streams/{id}") { request, context in try await streamPage(request, context, base: base) }
        page("correlations/{id}") { request, context in try await correlationPage(request, context, base: base) }
        page("positions/{position}") { request, context in try await positionPage(request, context, base: base) }
        page("search") { request, context in try await search(request, base: base) }
        page("projections") { request, context in try await projectionsPage(request, context, base: base) }
        guard let authorizeOperations else { return }
        for operation in ["retry", "rebuild"] {
            group.post("projections/{name}/\(operation)") { request, context in
                do {
                    try await authorize(request, context)
                    try Self.checkSameOrigin(request)
                    let actor = try await authorizeOperations(request, context)
                    return try await perform(operation, request, context, actor: actor, base: base)
                } catch {
                    return BrowserPage.errorResponse(error, base: base)
                }
            }
        }
    }

    /// Refuses a form posted from another site (`Origin` naming another host than `Host`), so
    /// that a page elsewhere cannot make an operator's browser retry or rebuild.
    static func checkSameOrigin(_ request: Request) throws {
        guard let origin = request.headers[HTTPField.Name("Origin")!] else { return }
        let host = request.head.authority ?? request.headers[HTTPField.Name("Host")!] ?? ""
        let components = URLComponents(string: origin)
        let originAuthority = (components?.host ?? "") + (components?.port.map { ":\($0)" } ?? "")
        guard !host.isEmpty, originAuthority == host else {
            throw ChronicleHTTPError.forbidden("The form was posted from another site (Origin \(origin)), not from this browser.")
        }
    }

    /// A path parameter, percent-decoded (the router hands it over as sent).
    static func pathParameter(_ context: Context, _ name: String) throws -> String {
        let raw = try context.parameters.require(name)
        return raw.removingPercentEncoding ?? raw
    }

    /// A redirect to a path of the browser.
    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}
