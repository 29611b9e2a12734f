public import Chronicle
import Foundation
public import HTTPTypes
public import Hummingbird
import NIOCore

/// A Chronicle error as an HTTP response with a JSON body.
///
/// | error | status | body |
/// |---|---|---|
/// | `CommandValidationError` | 422 | `{"errors": {"field": [{"code", "message"}]}}` |
/// | a `DomainError` | 422, or 403 for the codes the app names | `{"error": {"code", "message"}}` |
/// | `EventStoreError` `wrongExpectedVersion` | 409 | `{"error": {"code": "conflict", "message", "expected_version", "actual_version"}}` |
/// | `EventStoreError` `entityNotFound` | 404 | `{"error": {"code": "not_found", "message"}}` |
/// | `DecodingError` (a malformed body) | 400 | `{"error": {"code": "malformed_body", "message", "field"}}` |
public struct ChronicleHTTPError: HTTPResponseError, Sendable {
    /// The response's status.
    public let status: HTTPResponse.Status
    /// The response's JSON body.
    public let body: JSONValue
    /// Extra response headers, such as `Retry-After`.
    public let headers: HTTPFields

    /// Creates an error response.
    public init(status: HTTPResponse.Status, body: JSONValue, headers: HTTPFields = [:]) {
        self.status = status
        self.body = body
        self.headers = headers
    }

    /// The response for an error Chronicle knows, or `nil`.
    ///
    /// - Parameters:
    ///   - error: The error a handler threw.
    ///   - forbiddenCodes: Domain error codes that mean the caller may not do this (403).
    public init?(_ error: any Error, forbiddenCodes: Set<String> = []) {
        switch error {
        case let error as ChronicleHTTPError:
            self = error
        case let error as CommandValidationError:
            let fields = error.failuresByField.mapValues { failures in
                JSONValue.array(failures.map { .object(["code": .string($0.code), "message": .string($0.message)]) })
            }
            self.init(status: .unprocessableContent, body: .object(["errors": .object(fields)]))
        case let error as any DomainError:
            self.init(
                status: forbiddenCodes.contains(error.code) ? .forbidden : .unprocessableContent,
                body: Self.error(code: error.code, message: error.message))
        case let error as EventStoreError where error.code == .wrongExpectedVersion:
            var body: [String: JSONValue] = ["code": .string("conflict"), "message": .string(error.message)]
            if case .exactly(let expected)? = error.expectedVersion { body["expected_version"] = .integer(Int64(expected)) }
            if let actual = error.actualVersion { body["actual_version"] = .integer(Int64(actual)) }
            self.init(status: .conflict, body: .object(["error": .object(body)]))
        case let error as EventStoreError where error.code == .entityNotFound:
            self.init(status: .notFound, body: Self.error(code: "not_found", message: error.message))
        case let error as DecodingError:
            let (field, message) = Self.describe(error)
            var body: [String: JSONValue] = ["code": .string("malformed_body"), "message": .string(message)]
            if let field { body["field"] = .string(field) }
            self.init(status: .badRequest, body: .object(["error": .object(body)]))
        default:
            return nil
        }
    }

    /// `{"error": {"code", "message"}}`.
    public static func error(code: String, message: String) -> JSONValue {
        .object(["error": .object(["code": .string(code), "message": .string(message)])])
    }

    /// The JSON response.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(
            status: status, headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(body))))
    }

    /// The field a decoding error is about (`invitee_ids[2]`) and what is wrong with it.
    static func describe(_ error: DecodingError) -> (field: String?, message: String) {
        func path(_ codingPath: [any CodingKey]) -> String? {
            var text = ""
            for key in codingPath {
                if let index = key.intValue { text += "[\(index)]" } else { text += text.isEmpty ? key.stringValue : ".\(key.stringValue)" }
            }
            return text.isEmpty ? nil : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return (field, "\(field ?? key.stringValue) is missing.")
        case .typeMismatch(let type, let context):
            let field = path(context.codingPath)
            return (field, "\(field ?? "The body") must be \(Self.name(of: type)).")
        case .valueNotFound(let type, let context):
            let field = path(context.codingPath)
            return (field, "\(field ?? "The body") must be \(Self.name(of: type)), not null.")
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            return (field, field.map { "\($0) is not valid: \(context.debugDescription)" } ?? "The body is not valid JSON.")
        @unknown default:
            return (nil, "The body cannot be read.")
        }
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is Int32.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "true or false"
        case is [Any].Type: "an array"
        default: "\(type)"
        }
    }
}
