import ChronicleHTTP
import Foundation
public import Hummingbird
import NIOCore

extension Request {
    /// Decodes a JSON body strictly, answering anything else with a 4xx that names the field
    /// (see `JSONRequestBody`). Nothing has been written when it throws.
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
        _ type: Body.Type, context: some RequestContext, maximumSize: Int = JSONRequestBody.defaultMaximumSize, allowsEmpty: Bool = false
    ) async throws -> Body {
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: maximumSize)
        } catch {
            throw JSONRequestBody.tooLarge(maximumSize: maximumSize)
        }
        return try JSONRequestBody.decode(
            Body.self, from: Data(buffer.readableBytesView), contentType: headers[.contentType], allowsEmpty: allowsEmpty)
    }
}
