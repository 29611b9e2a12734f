public import Chronicle
import Foundation
public import HTTPTypes

extension HTTPField.Name {
    /// `Chronicle-Position`: the global position of a write's last event, a consistency token.
    public static let chroniclePosition = Self("Chronicle-Position")!
    /// `Chronicle-Min-Position`: a read waits until the read tables have reached this position.
    public static let chronicleMinPosition = Self("Chronicle-Min-Position")!
    /// `X-Request-ID`: the request's id, carried into its events' metadata.
    public static let xRequestID = Self("X-Request-ID")!
    /// `Last-Event-ID`: where a Server-Sent Events stream resumes.
    public static let lastEventID = Self("Last-Event-ID")!
}

/// Chronicle's request and response headers, read and written the same way by every web
/// framework's integration: `If-Match` against a version, `Chronicle-Min-Position`,
/// `Last-Event-ID`, and `ETag` with `Chronicle-Position` on a write's response.
public enum ChronicleHeaders: Sendable {
    /// What an `If-Match` header asks (RFC 9110): `*`, entity tags (`"3"`), or weak tags that
    /// never match; `nil` without the header.
    ///
    /// - Parameter value: The header's value, if the request has it.
    /// - Throws: ``ChronicleHTTPError`` (400 `malformed_if_match`) when the header is neither
    ///   `*` nor entity tags.
    public static func ifMatch(_ value: String?) throws -> IfMatch? {
        guard let value else { return nil }
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
    /// - Parameters:
    ///   - value: The `If-Match` header's value, if the request has it.
    ///   - currentVersion: The entity's version now.
    /// - Throws: ``ChronicleHTTPError`` 400 for a malformed header; 409 when the entity is not
    ///   at a version the header names (or the header has only weak tags), with the version it
    ///   is at.
    public static func expectedVersion(ifMatch value: String?, currentVersion: Int) throws -> ExpectedVersion {
        guard let condition = try ifMatch(value) else { return .any }
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
    /// - Parameter value: The header's value, if the request has it.
    /// - Throws: ``ChronicleHTTPError`` (400 `malformed_min_position`) when it is not a position.
    public static func minimumPosition(_ value: String?) throws -> Int64? {
        try position(value, of: .chronicleMinPosition, code: "malformed_min_position", rule: "must be a position, such as 42")
    }

    /// The position a `Last-Event-ID` header resumes after.
    ///
    /// - Parameter value: The header's value, if the request has it.
    /// - Throws: ``ChronicleHTTPError`` (400 `invalid_header`) when it is not a position.
    public static func lastEventID(_ value: String?) throws -> Int64? {
        try position(
            value?.trimmingCharacters(in: [" ", "\t"]), of: .lastEventID, code: "invalid_header",
            rule: "must be the position of an event: an integer of 0 or more")
    }

    /// A header that holds a position, or a 400 naming the header.
    private static func position(_ value: String?, of header: HTTPField.Name, code: String, rule: String) throws -> Int64? {
        guard let value else { return nil }
        guard let position = Int64(value), position >= 0 else {
            throw ChronicleHTTPError(
                status: .badRequest,
                body: ChronicleHTTPError.error(code: code, message: "\(header.rawName) \(rule).", field: header.rawName))
        }
        return position
    }

    /// `ETag` for an entity's version and `Chronicle-Position` for a global position.
    ///
    /// - Parameters:
    ///   - version: The entity's version after the write, or `nil`.
    ///   - position: The global position of the write's last event, or `nil`.
    public static func consistency(version: Int?, position: Int64?) -> HTTPFields {
        var fields = HTTPFields()
        if let version { fields[.eTag] = "\"\(version)\"" }
        if let position { fields[.chroniclePosition] = String(position) }
        return fields
    }
}
