import Chronicle
import Foundation
public import Hummingbird
import NIOCore

extension Request {
    /// Decodes a JSON body, answering a malformed one with a 400 that names the field, and one
    /// over `maximumSize` bytes with a 413. Nothing has been written when either is thrown.
    /// Dates are ISO 8601 date-times (`2026-12-01T10:00:00Z`, fractional seconds allowed). A
    /// ``StrictRequestBody`` also refuses fields it does not declare.
    ///
    /// ```swift
    /// let body = try await request.decodeJSON(ScheduleBody.self, context: context)
    /// ```
    ///
    /// - Parameters:
    ///   - type: The body's type.
    ///   - context: The request's context.
    ///   - maximumSize: The largest body accepted, in bytes. Default: 64 KiB.
    ///   - allowsEmpty: Whether an empty body reads as `{}`, for bodies whose fields are all
    ///     optional. Default: `false`.
    public func decodeJSON<Body: Decodable>(
        _ type: Body.Type, context: some RequestContext, maximumSize: Int = 64 * 1_024, allowsEmpty: Bool = false
    ) async throws -> Body {
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: maximumSize)
        } catch {
            throw ChronicleHTTPError(
                status: .contentTooLarge,
                body: ChronicleHTTPError.error(code: "body_too_large", message: "The body is over \(maximumSize) bytes."))
        }
        var data = Data(buffer.readableBytesView)
        if data.isEmpty && allowsEmpty { data = Data("{}".utf8) }
        do {
            let body = try Self.bodyDecoder.decode(Body.self, from: data)
            if let strict = Body.self as? any StrictRequestBody.Type, let field = strict.undeclaredField(in: data) {
                throw ChronicleHTTPError(
                    status: .badRequest,
                    body: .object([
                        "error": .object([
                            "code": .string("unknown_field"), "message": .string("The body has a field this request does not take: \(field)."),
                            "field": .string(field),
                        ])
                    ]))
            }
            return body
        } catch let error as DecodingError {
            throw ChronicleHTTPError(error) ?? error
        }
    }

    private static var bodyDecoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = try? Date(text, strategy: .iso8601) { return date }
            if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected an ISO 8601 date-time such as 2026-12-01T10:00:00Z")
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
