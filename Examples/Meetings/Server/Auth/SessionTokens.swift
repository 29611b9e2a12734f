public import Foundation
import JWTKit

/// Bearer tokens that say which user is calling: JSON Web Tokens (RFC 7519) signed with
/// HMAC-SHA256 by jwt-kit, naming the user (`sub`) and the expiry (`exp`).
///
/// A token is accepted only in its one canonical spelling: base64url without padding, whose
/// unused low bits are zero, so a token cannot be varied and still pass.
public struct SessionTokens: Sendable {
    /// Why a token was refused.
    public enum Refusal: Error, Equatable, Sendable {
        /// Not a token of this scheme: not three canonical base64url parts, or claims that are
        /// missing or of the wrong kind.
        case malformed
        /// The signature does not match: forged, altered, or signed with another secret.
        case badSignature
        /// Past its expiry.
        case expired
    }

    /// What a token says.
    private struct Claims: JWTPayload {
        var sub: SubjectClaim
        var exp: ExpirationClaim

        /// Expiry is checked against the scheme's clock, after the signature.
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    private let keys: JWTKeyCollection
    /// How long an issued token is valid.
    public let lifetime: TimeInterval
    private let now: @Sendable () -> Date

    /// Creates the token scheme.
    ///
    /// - Parameters:
    ///   - secret: The signing secret: at least 32 bytes of it.
    ///   - lifetime: How long an issued token is valid. Default: 12 hours.
    ///   - now: The clock tokens expire by.
    public init(secret: Data, lifetime: TimeInterval = 12 * 3_600, now: @escaping @Sendable () -> Date = Date.init) async {
        precondition(secret.count >= 32, "A token secret needs at least 32 bytes.")
        self.keys = await JWTKeyCollection().add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        self.lifetime = lifetime
        self.now = now
    }

    /// A scheme with a new random secret: tokens stop working when the process ends.
    public static func random(now: @escaping @Sendable () -> Date = Date.init) async -> SessionTokens {
        await SessionTokens(secret: Data((0..<32).map { _ in UInt8.random(in: 0...255) }), now: now)
    }

    /// A token for a user, and when it expires.
    public func issue(for userID: Int) async throws -> (token: String, expiresAt: Date) {
        let expiresAt = Date(timeIntervalSince1970: (now() + lifetime).timeIntervalSince1970.rounded(.down))
        let token = try await keys.sign(Claims(sub: SubjectClaim(value: String(userID)), exp: ExpirationClaim(value: expiresAt)))
        return (token, expiresAt)
    }

    /// The user a token was issued for.
    ///
    /// - Throws: ``Refusal`` when the token is malformed, forged or expired.
    public func userID(of token: String) async throws(Refusal) -> Int {
        guard Self.isCanonical(token) else { throw .malformed }
        let claims: Claims
        do {
            claims = try await keys.verify(token, as: Claims.self)
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw .badSignature
        } catch {
            throw .malformed
        }
        guard let userID = Int(claims.sub.value), userID > 0, String(userID) == claims.sub.value else { throw .malformed }
        guard claims.exp.value > now() else { throw .expired }
        return userID
    }

    /// Whether a token is three parts of base64url in their one canonical spelling.
    static func isCanonical(_ token: String) -> Bool {
        let parts = token.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return parts.count == 3 && parts.allSatisfy(isCanonicalBase64URL)
    }

    /// Whether text is unpadded base64url whose last character carries no bits beyond the
    /// bytes it encodes: the one spelling of those bytes.
    private static func isCanonicalBase64URL(_ part: Substring.UTF8View) -> Bool {
        guard !part.isEmpty, part.count % 4 != 1 else { return false }
        var last: UInt8 = 0
        for byte in part {
            guard let value = base64URLValue(byte) else { return false }
            last = value
        }
        switch part.count % 4 {
        case 2: return last & 0x0F == 0
        case 3: return last & 0x03 == 0
        default: return true
        }
    }

    /// The 6 bits a base64url character stands for.
    private static func base64URLValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "-"): 62
        case UInt8(ascii: "_"): 63
        default: nil
        }
    }
}
