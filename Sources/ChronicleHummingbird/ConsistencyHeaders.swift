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
    /// What an `If-Match` header asks (RFC 9110): `*`, entity tags (`"3"`), or weak tags that
    /// never match; `nil` without the header.
    ///
    /// - Throws: ``ChronicleHTTPError`` (400) when the header is neither `*` nor entity tags.
    public func ifMatch() throws -> IfMatch? {
        guard let value = headers[.ifMatch] else { return nil }
        guard let condition = IfMatch(header: value) else {
            throw ChronicleHTTPError(
                status: .badRequest,
                body: ChronicleHTTPError.error(
                    code: "malformed_if_match",
                    message: "If-Match must be * or entity tags in quotes, such as \"3\" (the version an ETag gave).", field: "If-Match"))
        }
        return condition
    }

    /// The expectation an `If-Match` header sets for an entity now at `currentVersion`: `.any`
    /// without the header.
    ///
    /// - Throws: ``ChronicleHTTPError`` 400 for a malformed header; 409 when the entity is not
    ///   at a version the header names (or the header has only weak tags), with the version it
    ///   is at.
    public func expectedVersion(currentVersion: Int) throws -> ExpectedVersion {
        guard let condition = try ifMatch() else { return .any }
        guard let expected = condition.expectation(forCurrentVersion: currentVersion) else {
            var body: [String: JSONValue] = ["code": "conflict", "actual_version": .integer(Int64(currentVersion))]
            switch condition {
            case .versions(let versions) where versions.count == 1:
                body["expected_version"] = .integer(Int64(versions.first!))
                body["message"] = .string("The entity is at version \(currentVersion), not \(versions.first!) as If-Match expects.")
            case .neverMatches:
                body["message"] = .string("If-Match compares entity tags strongly, so a weak tag (W/\"…\") never matches. Send the ETag as given.")
            default:
                body["message"] = .string("The entity is at version \(currentVersion), not one If-Match names.")
            }
            throw ChronicleHTTPError(status: .conflict, body: .object(["error": .object(body)]))
        }
        return expected
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
