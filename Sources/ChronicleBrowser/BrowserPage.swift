import Chronicle
import ChronicleHummingbird
import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore

/// Renders the browser's pages: Mustache templates (in `Resources/Templates`) that escape every
/// value they show, served with headers that forbid scripts and framing.
enum BrowserPage {
    /// Every template, by name: the pages and the partials they share (`header`, `footer`).
    static let templates: Result<MustacheLibrary, any Error> = Result {
        guard let directory = Bundle.module.url(forResource: "Templates", withExtension: nil, subdirectory: "Resources") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "Resources/Templates"])
        }
        var library = MustacheLibrary()
        for file in try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
        where file.pathExtension == "mustache" {
            try library.register(try String(contentsOf: file, encoding: .utf8), named: file.deletingPathExtension().lastPathComponent)
        }
        return library
    }

    /// A page as a response.
    ///
    /// - Parameters:
    ///   - template: The page's template.
    ///   - title: The page's title.
    ///   - base: The browser's path prefix, for links.
    ///   - values: What the template shows.
    ///   - status: The response status.
    ///   - refresh: Reload the page after this many seconds (a rebuild in progress, say).
    static func response(
        _ template: String, title: String, base: String, values: [String: Any], status: HTTPResponse.Status = .ok, refresh: Int? = nil,
        headers extra: HTTPFields = [:]
    ) throws -> Response {
        var values = withoutEmptyText(values)
        values["title"] = title
        values["base"] = base
        if let refresh { values["refresh"] = refresh }
        guard let html = try templates.get().render(values, withTemplate: template) else {
            throw ChronicleHTTPError.internalError
        }
        var headers = extra
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("Content-Security-Policy")!] =
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// The values without empty strings, at any depth: Mustache shows a section for any string,
    /// so an empty link or message must be absent to leave its section out.
    static func withoutEmptyText(_ values: [String: Any]) -> [String: Any] {
        values.compactMapValues { value -> Any? in
            switch value {
            case let text as String: return text.isEmpty ? nil : text
            case let object as [String: Any]: return withoutEmptyText(object)
            case let list as [[String: Any]]: return list.map(withoutEmptyText)
            default: return value
            }
        }
    }

    /// The error page of an error: its status and message, in HTML.
    static func errorResponse(_ error: any Error, base: String) -> Response {
        let http = error as? ChronicleHTTPError ?? ChronicleHTTPError(error) ?? ChronicleHTTPError.internalError
        var message = "The request failed."
        if case .object(let body) = http.body, case .object(let detail)? = body["error"], case .string(let text)? = detail["message"] {
            message = text
        }
        let page = try? response(
            "error", title: "\(http.status.code) \(http.status.reasonPhrase)", base: base,
            values: ["status": Int(http.status.code), "reason": http.status.reasonPhrase, "message": message], status: http.status,
            headers: http.headers)
        return page ?? Response(status: http.status)
    }

    /// A value for a path segment of a link: percent-encoded, so that an id with `/`, `?` or
    /// `#` stays one segment.
    static func segment(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// JSON text indented for reading, keys sorted; the text itself when it is not JSON.
    static func pretty(_ json: Data) -> String {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: json) else { return String(decoding: json, as: UTF8.self) }
        return pretty(value)
    }

    /// A JSON value indented for reading, keys sorted.
    static func pretty(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// A time as the browser shows it: RFC 3339 in UTC.
    static func time(_ date: Date) -> String {
        RFC3339.string(from: date)
    }
}
