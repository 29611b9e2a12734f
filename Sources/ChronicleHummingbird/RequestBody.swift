import Foundation
public import Hummingbird
import NIOCore

extension Request {
    /// Decodes a JSON body, answering a malformed one with a 400 that names the field, and one
    /// over `maximumSize` bytes with a 413. Nothing has been written when either is thrown.
    /// Dates are ISO 8601 date-times (`2026-12-01T10:00:00Z`, fractional seconds allowed).
    ///
    /// ```swift
    /// let body = try await request.decodeJSON(ScheduleBody.self, context: context)
    /// ```
    public func decodeJSON<Body: Decodable>(
        _ type: Body.Type, context: some RequestContext, maximumSize: Int = 64 * 1_024
    ) async throws -> Body {
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: maximumSize)
        } catch {
            throw ChronicleHTTPError(
                status: .contentTooLarge,
                body: ChronicleHTTPError.error(code: "body_too_large", message: "The body is over \(maximumSize) bytes."))
        }
        do {
            return try Self.bodyDecoder.decode(Body.self, from: Data(buffer.readableBytesView))
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
