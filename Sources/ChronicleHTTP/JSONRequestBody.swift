import Chronicle
public import Foundation
import HTTPTypes

/// Strict decoding of JSON request bodies, the same in every web framework's integration:
/// anything but the body a route expects is answered with a 4xx that names the field, before
/// anything is written.
///
/// - 413 `body_too_large` for a body over the route's limit (``tooLarge(maximumSize:)``);
/// - 415 `unsupported_media_type` for a body whose `Content-Type` is not JSON
///   (`application/json`, or `application/…+json`, in UTF-8);
/// - 400 `missing_body` for an empty body, unless empty bodies are allowed;
/// - 400 `malformed_body` for text that is not strict JSON (RFC 8259: its line and column),
///   and for a value of the wrong kind (the field, and what it must be: "an integer", "an
///   RFC 3339 date-time…"; never a Swift type's name);
/// - 400 `duplicate_field` for an object that repeats a key;
/// - 400 `unknown_field` for a field a ``StrictRequestBody`` does not declare.
///
/// Dates are RFC 3339 date-times with every field checked (`RFC3339`), kept to the
/// millisecond, the precision the store keeps: a rule compares what will be stored.
public enum JSONRequestBody: Sendable {
    /// The largest body a route takes by default: 64 KiB.
    public static let defaultMaximumSize = 64 * 1_024

    /// The 413 of a body over `maximumSize` bytes.
    public static func tooLarge(maximumSize: Int) -> ChronicleHTTPError {
        ChronicleHTTPError(
            status: .contentTooLarge, body: ChronicleHTTPError.error(code: "body_too_large", message: "The body is over \(maximumSize) bytes."))
    }

    /// Decodes a request's body.
    ///
    /// - Parameters:
    ///   - type: The body's type.
    ///   - data: The body's bytes, collected within the route's limit.
    ///   - contentType: The request's `Content-Type`, if any.
    ///   - allowsEmpty: Whether an empty body reads as `{}`, for bodies whose fields are all optional.
    /// - Throws: ``ChronicleHTTPError`` with a 4xx that names the field.
    public static func decode<Body: Decodable>(_ type: Body.Type, from data: Data, contentType: String?, allowsEmpty: Bool = false) throws -> Body {
        var data = data
        if data.isEmpty {
            guard allowsEmpty else {
                throw ChronicleHTTPError(
                    status: .badRequest, body: ChronicleHTTPError.error(code: "missing_body", message: "The request needs a JSON body."))
            }
            data = Data("{}".utf8)
        } else if !isJSON(contentType) {
            throw ChronicleHTTPError(
                status: .unsupportedMediaType,
                body: ChronicleHTTPError.error(
                    code: "unsupported_media_type",
                    message: "The body must be JSON, sent with Content-Type: application/json (found \(contentType.map { "\"\($0)\"" } ?? "none"))."),
                headers: [.accept: "application/json"])
        }
        let document: PlainJSON
        switch PlainJSON.document(data) {
        case .success(let parsed): document = parsed
        case .failure(let problem): throw malformed(problem, in: data)
        }
        do {
            let body = try bodyDecoder.decode(Body.self, from: data)
            if let strict = Body.self as? any StrictRequestBody.Type, let field = strict.undeclaredField(in: data) {
                throw fieldError(.badRequest, code: "unknown_field", "The body has a field this request does not take: \(field).", field: field)
            }
            return body
        } catch let error as DecodingError {
            // A number an integer field cannot take (a fraction, an exponent, too many digits)
            // fails the whole document in JSONDecoder, naming no field: name the number's.
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty, let field = fractionalOrHugeNumber(in: document) {
                throw fieldError(.badRequest, code: "malformed_body", "\(field) must be a whole number within range.", field: field)
            }
            throw ChronicleHTTPError(error) ?? error
        }
    }

    /// The path of the first number that is not an integer of 64 bits, if any.
    private static func fractionalOrHugeNumber(in json: PlainJSON, at path: String = "") -> String? {
        switch json {
        case .number(let text):
            return Int64(text) == nil ? path : nil
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                if let found = fractionalOrHugeNumber(in: element, at: "\(path)[\(index)]") { return found }
            }
            return nil
        case .object(let members):
            for (key, value) in members {
                if let found = fractionalOrHugeNumber(in: value, at: path.isEmpty ? key : "\(path).\(key)") { return found }
            }
            return nil
        case .null, .bool, .string:
            return nil
        }
    }

    /// Whether a `Content-Type` says JSON in UTF-8.
    ///
    /// - Parameter contentType: The header's value, if any.
    public static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let media = parts.first, media == "application/json" || (media.hasPrefix("application/") && media.hasSuffix("+json")) else {
            return false
        }
        return parts.dropFirst().allSatisfy { parameter in
            !parameter.hasPrefix("charset=") || ["utf-8", "\"utf-8\"", "utf8"].contains(parameter.dropFirst("charset=".count))
        }
    }

    /// The 400 of a body that is not strict JSON.
    private static func malformed(_ problem: PlainJSON.Refused, in data: Data) -> ChronicleHTTPError {
        let field = problem.path.isEmpty ? nil : problem.path.reduce("") { path, key in
            key.hasPrefix("[") || path.isEmpty ? path + key : path + "." + key
        }
        var place = ""
        if let offset = problem.offset {
            let before = data.prefix(offset)
            let line = before.count { $0 == UInt8(ascii: "\n") } + 1
            let column = offset - (before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0) + 1
            place = " (line \(line), column \(column))"
        }
        if problem.reason.hasPrefix("repeats the field") {
            return fieldError(.badRequest, code: "duplicate_field", "The body \(problem.reason)\(place): each field may appear once.", field: field)
        }
        return fieldError(.badRequest, code: "malformed_body", "The body is not valid JSON: it \(problem.reason)\(place).", field: field)
    }

    private static func fieldError(_ status: HTTPResponse.Status, code: String, _ message: String, field: String?) -> ChronicleHTTPError {
        ChronicleHTTPError(status: status, body: ChronicleHTTPError.error(code: code, message: message, field: field))
    }

    private static var bodyDecoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            guard let date = RFC3339.date(from: try container.decode(String.self)) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "must be \(ChronicleHTTPError.dateExample), with a date and time that exist")
            }
            return date
        }
        return decoder
    }
}

/// A JSON request body that refuses fields it does not declare, so that a misspelt optional
/// field (`duration_minute`) is answered with a 400 instead of being ignored.
///
/// Declare the coding keys, case-iterable:
///
/// ```swift
/// struct ScheduleBody: StrictRequestBody {
///     var title: String
///     var durationMinutes: Int?
///
///     enum CodingKeys: String, CodingKey, CaseIterable {
///         case title, durationMinutes = "duration_minutes"
///     }
/// }
/// ```
public protocol StrictRequestBody: Decodable {
    /// The body's fields: every top-level key it may have.
    associatedtype CodingKeys: CodingKey & CaseIterable
}

extension StrictRequestBody {
    /// The first top-level key of a JSON object that the body does not declare, in key order.
    static func undeclaredField(in json: Data) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else { return nil }
        let declared = Set(CodingKeys.allCases.map(\.stringValue))
        return object.keys.sorted().first { !declared.contains($0) }
    }
}
