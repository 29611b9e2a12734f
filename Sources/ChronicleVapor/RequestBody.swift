import ChronicleHTTP
import Foundation
import NIOCore
public import Vapor

extension Request {
    /// Decodes a JSON body strictly, answering anything else with a 4xx that names the field
    /// (see `JSONRequestBody`). Nothing has been written when it throws.
    ///
    /// A route collects bodies up to the routes' `defaultMaxBodySize` before it runs; a larger
    /// body is answered 413 `body_too_large` by ``ChronicleErrorMiddleware``.
    ///
    /// ```swift
    /// let body = try await req.decodeJSON(DepositBody.self)
    /// ```
    ///
    /// - Parameters:
    ///   - type: The body's type.
    ///   - maximumSize: The largest body accepted, in bytes. Default: 64 KiB.
    ///   - allowsEmpty: Whether an empty body reads as `{}`, for bodies whose fields are all
    ///     optional. Default: `false`.
    public func decodeJSON<Body: Decodable>(
        _ type: Body.Type, maximumSize: Int = JSONRequestBody.defaultMaximumSize, allowsEmpty: Bool = false
    ) async throws -> Body {
        let buffer: ByteBuffer?
        if let collected = body.data {
            buffer = collected
        } else {
            do {
                buffer = try await body.collect(max: maximumSize).get()
            } catch {
                throw JSONRequestBody.tooLarge(maximumSize: maximumSize)
            }
        }
        if let buffer, buffer.readableBytes > maximumSize { throw JSONRequestBody.tooLarge(maximumSize: maximumSize) }
        return try JSONRequestBody.decode(
            Body.self, from: buffer.map { Data($0.readableBytesView) } ?? Data(), contentType: headers.first(name: .contentType),
            allowsEmpty: allowsEmpty)
    }
}
