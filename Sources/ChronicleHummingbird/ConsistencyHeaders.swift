public import Chronicle
import Foundation
public import HTTPTypes
public import Hummingbird

extension HTTPField.Name {
    /// `Chronicle-Position`: the global position of a write's last event, a consistency token.
    public static let chroniclePosition = Self("Chronicle-Position")!
    /// `Chronicle-Min-Position`: a read waits until the read tables have reached this position.
    public static let chronicleMinPosition = Self("Chronicle-Min-Position")!
}

extension Request {
    /// The expected version an `If-Match` header asks for (`If-Match: "3"` → `.exactly(3)`), or
    /// `nil` without one.
    ///
    /// - Throws: ``ChronicleHTTPError`` (400) when the header is not a quoted version.
    public func expectedVersion() throws -> ExpectedVersion? {
        guard let value = headers[.ifMatch] else { return nil }
        let tag = value.trimmingCharacters(in: .whitespaces)
        guard tag.hasPrefix("\""), tag.hasSuffix("\""), tag.count > 2, let version = Int(tag.dropFirst().dropLast()), version >= 0 else {
            throw ChronicleHTTPError(
                status: .badRequest,
                body: ChronicleHTTPError.error(code: "malformed_if_match", message: "If-Match must be an entity version in quotes, such as \"3\"."))
        }
        return .exactly(version)
    }

    /// The position a `Chronicle-Min-Position` header asks the read tables to have reached.
    ///
    /// - Throws: ``ChronicleHTTPError`` (400) when the header is not a position.
    public func minimumPosition() throws -> Int64? {
        guard let value = headers[.chronicleMinPosition] else { return nil }
        guard let position = Int64(value), position >= 0 else {
            throw ChronicleHTTPError(
                status: .badRequest,
                body: ChronicleHTTPError.error(code: "malformed_min_position", message: "Chronicle-Min-Position must be a position, such as 42."))
        }
        return position
    }
}

extension Response {
    /// Sets `ETag` to an entity's version and `Chronicle-Position` to a global position.
    public mutating func setConsistency(version: Int?, position: Int64?) {
        if let version { headers[.eTag] = "\"\(version)\"" }
        if let position { headers[.chroniclePosition] = String(position) }
    }
}
