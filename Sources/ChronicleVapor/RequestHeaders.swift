public import Chronicle
public import ChronicleHTTP
import HTTPTypes
import NIOCore
public import Vapor

extension Request {
    /// What an `If-Match` header asks (RFC 9110): `*`, entity tags (`"3"`), or weak tags that
    /// never match; `nil` without the header.
    ///
    /// - Throws: `ChronicleHTTPError` (400) when the header is neither `*` nor entity tags.
    public func ifMatch() throws -> IfMatch? {
        try ChronicleHeaders.ifMatch(headers.first(name: .ifMatch))
    }

    /// The expectation an `If-Match` header sets for an entity now at `currentVersion`: `.any`
    /// without the header.
    ///
    /// - Throws: `ChronicleHTTPError` 400 for a malformed header; 409 when the entity is not
    ///   at a version the header names, with the version it is at.
    public func expectedVersion(currentVersion: Int) throws -> ExpectedVersion {
        try ChronicleHeaders.expectedVersion(ifMatch: headers.first(name: .ifMatch), currentVersion: currentVersion)
    }

    /// The position a `Chronicle-Min-Position` header asks the read tables to have reached.
    ///
    /// - Throws: `ChronicleHTTPError` (400) when the header is not a position.
    public func minimumPosition() throws -> Int64? {
        try ChronicleHeaders.minimumPosition(headers.first(name: HTTPField.Name.chronicleMinPosition.rawName))
    }
}

extension Response {
    /// Sets `ETag` to an entity's version and `Chronicle-Position` to a global position.
    public func setConsistency(version: Int?, position: Int64?) {
        for field in ChronicleHeaders.consistency(version: version, position: position) {
            headers.replaceOrAdd(name: field.name.rawName, value: field.value)
        }
    }
}

extension EventMetadata {
    /// The metadata of a request's events: the actor, the request id (`X-Request-ID`, or a new
    /// one), the user agent and the client's address (the connection's peer, unless given: not
    /// `X-Forwarded-For`, which any client can send).
    ///
    /// ```swift
    /// try await app.execute(Deposit(amount: 100), on: id, metadata: EventMetadata(request: req, actor: user.id))
    /// ```
    public init(request: Request, actor: String?, clientAddress: String? = nil) {
        self.init(
            requestID: request.headers.first(name: HTTPField.Name.xRequestID.rawName), userAgent: request.headers.first(name: .userAgent), actor: actor,
            clientAddress: clientAddress ?? request.remoteAddress?.ipAddress)
    }
}
