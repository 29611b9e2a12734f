public import Chronicle
public import Foundation
public import HTTPTypes
public import Logging

/// A Chronicle error as an HTTP response with a JSON body.
///
/// | error | status | body |
/// |---|---|---|
/// | `CommandValidationError` | 422 | `{"errors": {"field": [{"code", "message"}]}}` |
/// | a `DomainError` | 422, or 403 for the codes the app names | `{"error": {"code", "message"}}` |
/// | `EventStoreError` `wrongExpectedVersion` | 409 | `{"error": {"code": "conflict", "message", "expected_version", "actual_version"}}` |
/// | `EventStoreError` `entityNotFound` | 404 | `{"error": {"code": "not_found", "message"}}` |
/// | `EventStoreError` `invalidInput` | 422 | `{"error": {"code": "invalid_input", "message"}}` |
/// | `EventStoreError` `busy` | 503, `Retry-After` | `{"error": {"code": "busy", "message"}}` |
/// | `EventStoreError` `unavailable`, `notMigrated` | 503, `Retry-After` | `{"error": {"code": "unavailable", "message"}}` |
/// | `DecodingError` (a malformed body) | 400 | `{"error": {"code": "malformed_body", "message", "field"}}` |
/// | the web framework's own errors (no such route, …) | their status | `{"error": {"code": "not_found", "message"}}`, … |
///
/// A database failure's details are for operators, not clients: the 503's message says only
/// that the database cannot serve now, and ``translating(_:forbiddenCodes:logger:method:path:frameworkError:)``
/// logs the details.
///
/// This type is the framework-free part of every integration: ChronicleHummingbird and
/// ChronicleVapor turn it into their own responses, so both answer with the same statuses and
/// bodies.
public struct ChronicleHTTPError: Error, Sendable {
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
        case let error as EventStoreError where error.code == .entityClosed:
            self.init(status: .gone, body: Self.error(code: "gone", message: error.message))
        case let error as EventStoreError where error.code == .invalidInput:
            self.init(status: .unprocessableContent, body: Self.error(code: "invalid_input", message: error.message))
        case let error as EventStoreError where error.code == .busy:
            self.init(
                status: .serviceUnavailable, body: Self.error(code: "busy", message: error.message),
                headers: [.retryAfter: Self.retryAfterSeconds])
        case let error as EventStoreError where error.code == .unavailable || error.code == .notMigrated:
            self = Self.unavailable
        case let error as DecodingError:
            let (field, message) = Self.describe(error)
            self.init(status: .badRequest, body: Self.error(code: "malformed_body", message: message, field: field))
        default:
            return nil
        }
    }

    /// The 503 of a database that cannot serve now: a message for clients, and `Retry-After`.
    public static let unavailable = ChronicleHTTPError(
        status: .serviceUnavailable,
        body: error(code: "unavailable", message: "The service cannot reach its database right now. Retry shortly."),
        headers: [.retryAfter: retryAfterSeconds])

    /// The 500 of a failure nobody expected; the details go to the log.
    public static let internalError = ChronicleHTTPError(
        status: .internalServerError,
        body: error(code: "internal_error", message: "The server failed to handle the request; the failure was logged."))

    /// The 401 of a request that did not say who it is: `unauthorized`, with `WWW-Authenticate`.
    ///
    /// - Parameters:
    ///   - message: What the client must send, such as "A bearer token is required.".
    ///   - challenge: The `WWW-Authenticate` value; `Bearer` by default.
    public static func unauthorized(_ message: String, challenge: String = "Bearer") -> ChronicleHTTPError {
        ChronicleHTTPError(
            status: .unauthorized, body: error(code: "unauthorized", message: message), headers: [.wwwAuthenticate: challenge])
    }

    /// The 403 of a client that may not do what it asked: `forbidden`.
    ///
    /// - Parameter message: What the client may not do.
    public static func forbidden(_ message: String) -> ChronicleHTTPError {
        ChronicleHTTPError(status: .forbidden, body: error(code: "forbidden", message: message))
    }

    /// What a valid date looks like, for messages.
    package static let dateExample = "an RFC 3339 date-time such as 2030-01-15T10:00:00Z"

    /// How many seconds a 503 asks clients to wait.
    package static let retryAfterSeconds = "1"

    /// `{"error": {"code", "message"}}`, with `"field"` naming the part of the request at fault
    /// when there is one.
    public static func error(code: String, message: String, field: String? = nil) -> JSONValue {
        var error: [String: JSONValue] = ["code": .string(code), "message": .string(message)]
        if let field { error["field"] = .string(field) }
        return .object(["error": .object(error)])
    }

    /// The response to an error of the web framework itself (no such route, a body over the
    /// server's limit, …): its status, a code made from the status (`not_found`), and the
    /// framework's reason or a sentence for the status.
    ///
    /// - Parameters:
    ///   - status: The framework's status.
    ///   - reason: The framework's message, if it has one for clients.
    ///   - headers: The framework's headers, such as `Allow`.
    public init(frameworkStatus status: HTTPResponse.Status, reason: String?, headers: HTTPFields = [:]) {
        self.init(status: status, body: Self.error(code: Self.code(of: status), message: reason ?? Self.sentence(for: status)), headers: headers)
    }

    /// The body as JSON, keys sorted: the same bytes whichever framework sends it.
    public var jsonBody: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(body)) ?? Data(#"{"error":{"code":"internal_error"}}"#.utf8)
    }

    /// The headers to send: ``headers`` and `Content-Type: application/json; charset=utf-8`.
    public var responseHeaders: HTTPFields {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return headers
    }

    /// What a request's error is answered with, logged as operators need it: a failure of the
    /// server or its database (5xx) at error level with the request's method, path and the full
    /// error (the database's code and message); a busy entity at warning level. An error nobody
    /// expected becomes ``internalError``, its details only in the log.
    ///
    /// - Parameters:
    ///   - error: What the route threw.
    ///   - forbiddenCodes: Domain error codes answered with 403 instead of 422.
    ///   - logger: The request's logger.
    ///   - method: The request's method, for the log.
    ///   - path: The request's path, for the log.
    ///   - frameworkError: The answer to the web framework's own errors, or `nil` for others.
    public static func translating(
        _ error: any Error, forbiddenCodes: Set<String>, logger: Logger, method: String, path: String,
        frameworkError: (any Error) -> ChronicleHTTPError?
    ) -> ChronicleHTTPError {
        let response = ChronicleHTTPError(error, forbiddenCodes: forbiddenCodes) ?? frameworkError(error)
        let metadata: Logger.Metadata = ["method": "\(method)", "path": "\(path)", "error": "\(String(reflecting: error))"]
        switch response?.status.code {
        case nil:
            logger.error("The request failed", metadata: metadata)
        case 503 where (error as? EventStoreError)?.code == .busy:
            logger.warning("The entity stayed busy", metadata: metadata)
        case let code? where code >= 500:
            logger.error("The request failed", metadata: metadata)
        default:
            break
        }
        return response ?? internalError
    }

    /// A code for an HTTP status: `not_found`, `method_not_allowed`, …
    package static func code(of status: HTTPResponse.Status) -> String {
        status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
    }

    /// A sentence for an HTTP status without a message of its own.
    package static func sentence(for status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "No such resource."
        case .methodNotAllowed: "The resource does not take this method."
        default: "\(status.reasonPhrase)."
        }
    }

    /// The field a decoding error is about (`invitee_ids[2]`) and what is wrong with it.
    package static func describe(_ error: DecodingError) -> (field: String?, message: String) {
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
            let problem =
                context.debugDescription.hasPrefix("Parsed JSON number") ? "must be a whole number within range"
                : context.debugDescription.hasPrefix("must ") ? context.debugDescription : "has a value of the wrong kind"
            return (field, "\(field ?? "The body") \(problem).")
        @unknown default:
            return (nil, "The body cannot be read.")
        }
    }

    /// What a value of a type is, in JSON's words: never a Swift type's name.
    static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type, is Substring.Type: "a string"
        case is any BinaryInteger.Type: "an integer"
        case is any BinaryFloatingPoint.Type, is Decimal.Type: "a number"
        case is Bool.Type: "true or false"
        case is Date.Type: dateExample
        case is UUID.Type: "a UUID"
        case let optional as any OptionalValue.Type: name(of: optional.wrappedType)
        case is any Collection.Type: String(describing: type).hasPrefix("Dictionary<") ? "an object" : "an array"
        default: "a value of the right kind"
        }
    }
}

/// An optional's wrapped type, for naming what a field must be.
private protocol OptionalValue {
    static var wrappedType: Any.Type { get }
}

extension Optional: OptionalValue {
    fileprivate static var wrappedType: Any.Type { Wrapped.self }
}
