public import Chronicle
public import ChronicleHTTP
public import Hummingbird

extension Request {
    /// What an `If-Match` header asks (RFC 9110): `*`, entity tags (`"3"`), or weak tags that
    /// never match; `nil` without the header.
    ///
    /// - Throws: `ChronicleHTTPError` (400) when the header is neither `*` nor entity tags.
    public func ifMatch() throws -> IfMatch? {
        try ChronicleHeaders.ifMatch(headers[.ifMatch])
    }

    /// The expectation an `If-Match` header sets for an entity now at `currentVersion`: `.any`
    /// without the header.
    ///
    /// - Throws: `ChronicleHTTPError` 400 for a malformed header; 409 when the entity is not
    ///   at a version the header names (or the header has only weak tags), with the version it
    ///   is at.
    public func expectedVersion(currentVersion: Int) throws -> ExpectedVersion {
        try ChronicleHeaders.expectedVersion(ifMatch: headers[.ifMatch], currentVersion: currentVersion)
    }

    /// The position a `Chronicle-Min-Position` header asks the read tables to have reached.
    ///
    /// - Throws: `ChronicleHTTPError` (400) when the header is not a position.
    public func minimumPosition() throws -> Int64? {
        try ChronicleHeaders.minimumPosition(headers[.chronicleMinPosition])
    }
}

extension Response {
    /// Sets `ETag` to an entity's version and `Chronicle-Position` to a global position.
    public mutating func setConsistency(version: Int?, position: Int64?) {
        for field in ChronicleHeaders.consistency(version: version, position: position) {
            headers[field.name] = field.value
        }
    }
}
