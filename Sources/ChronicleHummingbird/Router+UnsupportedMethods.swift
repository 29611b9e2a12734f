public import Hummingbird
import HTTPTypes

extension Router {
    /// Answers, at every path that has routes, the methods none of them takes: 405 Method Not
    /// Allowed with a JSON body and an `Allow` header listing the methods that are taken, and
    /// `OPTIONS` with 204 and the same `Allow`.
    ///
    /// Call it after adding every route. Make the router with `.autoGenerateHeadEndpoints`, so
    /// that `HEAD` is answered wherever `GET` is (and listed in `Allow`). Paths without routes
    /// answer 404, in JSON through ``ChronicleErrorMiddleware``.
    ///
    /// ```swift
    /// let router = Router(context: AppContext.self, options: .autoGenerateHeadEndpoints)
    /// router.add(middleware: ChronicleErrorMiddleware())
    /// router.get("/meetings/{id}") { … }
    /// router.answerUnsupportedMethods()
    /// ```
    public func answerUnsupportedMethods() {
        var byPath: [String: (path: RouterPath, methods: Set<HTTPRequest.Method>)] = [:]
        for route in routes {
            byPath[route.path.description, default: (route.path, [])].methods.insert(route.method)
        }
        for (path, methods) in byPath.values {
            var allowed = methods
            if allowed.contains(.get) { allowed.insert(.head) }
            let allow = (allowed.map(\.rawValue) + ["OPTIONS"]).sorted().joined(separator: ", ")
            for method in [HTTPRequest.Method.get, .head, .post, .put, .patch, .delete, .options] where !allowed.contains(method) {
                if method == .options {
                    on(path, method: .options) { _, _ in Response(status: .noContent, headers: [.allow: allow]) }
                    continue
                }
                on(path, method: method) { request, _ -> Response in
                    throw ChronicleHTTPError(
                        status: .methodNotAllowed,
                        body: ChronicleHTTPError.error(
                            code: "method_not_allowed", message: "\(request.uri.path) does not take \(request.method.rawValue); it takes \(allow)."),
                        headers: [.allow: allow])
                }
            }
        }
    }
}
