import Foundation
import HTTPTypes
import MeetingsServer
import TestSupport
import Testing
import Yams

/// `openapi.yaml`, read with a YAML parser: which routes it documents and which statuses each
/// answers with. Every request the end-to-end tests send is checked against it.
struct OpenAPIDocument: Sendable {
    static let shared = OpenAPIDocument(yaml: MeetingsAPI.openAPIDocument)

    /// Path template → method → documented statuses.
    let operations: [String: [String: Set<Int>]]
    /// Schema name → its property names.
    let schemaProperties: [String: Set<String>]
    /// Path template → method → the request body's property names, when it declares any.
    let requestProperties: [String: [String: Set<String>]]

    init(yaml: String) {
        let document = (try? Yams.load(yaml: yaml)) as? [String: Any] ?? [:]
        var operations: [String: [String: Set<Int>]] = [:]
        var requestProperties: [String: [String: Set<String>]] = [:]
        for (path, item) in document["paths"] as? [String: Any] ?? [:] {
            for (method, operation) in item as? [String: Any] ?? [:] {
                let operation = operation as? [String: Any] ?? [:]
                let statuses = (operation["responses"] as? [String: Any] ?? [:]).keys.compactMap { Int($0) }
                operations[path, default: [:]][method.uppercased()] = Set(statuses)
                let body = operation["requestBody"] as? [String: Any]
                let schema = ((body?["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"] as? [String: Any]
                if let properties = schema?["properties"] as? [String: Any] {
                    requestProperties[path, default: [:]][method.uppercased()] = Set(properties.keys)
                } else if body != nil {
                    requestProperties[path, default: [:]][method.uppercased()] = []
                }
            }
        }
        self.operations = operations
        self.requestProperties = requestProperties
        let schemas = (document["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:]
        self.schemaProperties = schemas.mapValues { Set((($0 as? [String: Any])?["properties"] as? [String: Any] ?? [:]).keys) }
    }

    /// The documented template a concrete path matches (`/meetings/3f…/accept` →
    /// `/meetings/{id}/accept`), preferring literal segments.
    func template(of path: String) -> String? {
        let segments = path.split(separator: "?", maxSplits: 1)[0].split(separator: "/", omittingEmptySubsequences: false)
        return operations.keys
            .filter { template in
                let parts = template.split(separator: "/", omittingEmptySubsequences: false)
                return parts.count == segments.count && zip(parts, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
            }
            .min { $0.filter { $0 == "{" }.count < $1.filter { $0 == "{" }.count }
    }

    /// Records an issue unless the document lists the status for the route.
    func expectDocumented(_ method: HTTPRequest.Method, _ path: String, _ status: HTTPResponse.Status, sourceLocation: SourceLocation) {
        guard let template = template(of: path), let statuses = operations[template]?[method.rawValue] else {
            Issue.record("openapi.yaml does not document \(method) \(path).", sourceLocation: sourceLocation)
            return
        }
        #expect(statuses.contains(status.code), "openapi.yaml does not list \(status.code) for \(method) \(template).", sourceLocation: sourceLocation)
    }
}
