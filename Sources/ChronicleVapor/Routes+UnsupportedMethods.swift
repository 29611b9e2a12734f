import ChronicleHTTP
import HTTPTypes
public import Vapor

extension Application {
    /// Answers, at every path that has routes, the methods none of them takes: 405 Method Not
    /// Allowed with a JSON body and an `Allow` header listing the methods that are taken, and
    /// `OPTIONS` with 204 and the same `Allow`, as ChronicleHummingbird's router does. `HEAD` is
    /// answered wherever `GET` is (Vapor routes it to `GET`).
    ///
    /// Call it after adding every route.
    public func answerUnsupportedMethods() {
        var byPath: [String: (path: [PathComponent], methods: Set<String>)] = [:]
        for route in routes.all {
            byPath[route.path.string, default: (route.path, [])].methods.insert(route.method.rawValue)
        }
        for (path, methods) in byPath.values {
            var allowed = methods
            if allowed.contains("GET") { allowed.insert("HEAD") }
            let allow = (allowed + ["OPTIONS"]).sorted().joined(separator: ", ")
            for method in [HTTPMethod.GET, .POST, .PUT, .PATCH, .DELETE, .OPTIONS] where !allowed.contains(method.rawValue) {
                if method == .OPTIONS {
                    on(.OPTIONS, path) { _ in Response(status: .noContent, headers: ["Allow": allow]) }
                    continue
                }
                on(method, path) { request -> Response in
                    throw ChronicleHTTPError(
                        status: .methodNotAllowed,
                        body: ChronicleHTTPError.error(
                            code: "method_not_allowed", message: "\(request.url.path) does not take \(request.method.rawValue); it takes \(allow)."),
                        headers: [.allow: allow])
                }
            }
        }
    }
}
