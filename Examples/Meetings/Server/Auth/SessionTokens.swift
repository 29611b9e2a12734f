import Crypto
public import Foundation

/// Bearer tokens that say which user is calling, signed with HMAC-SHA256 so that nobody without
/// the secret can make one: `<user id>.<expiry, Unix seconds>.<signature, base64url>`.
public struct SessionTokens: Sendable {
    /// Why a token was refused.
    public enum Refusal: Error, Equatable, Sendable {
        /// Not three dot-separated parts of the right kinds.
        case malformed
        /// The signature does not match: forged, altered, or signed with another secret.
        case badSignature
        /// Past its expiry.
        case expired
    }

    private let key: SymmetricKey
    /// How long an issued token is valid.
    public let lifetime: TimeInterval
    private let now: @Sendable () -> Date

    /// Creates the token scheme.
    ///
    /// - Parameters:
    ///   - secret: The signing secret: at least 32 bytes of it.
    ///   - lifetime: How long an issued token is valid. Default: 12 hours.
    ///   - now: The clock tokens expire by.
    public init(secret: Data, lifetime: TimeInterval = 12 * 3_600, now: @escaping @Sendable () -> Date = Date.init) {
        precondition(secret.count >= 32, "A token secret needs at least 32 bytes.")
        self.key = SymmetricKey(data: secret)
        self.lifetime = lifetime
        self.now = now
    }

    /// A scheme with a new random secret: tokens stop working when the process ends.
    public static func random(now: @escaping @Sendable () -> Date = Date.init) -> SessionTokens {
        SessionTokens(secret: SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }, now: now)
    }

    /// A token for a user, and when it expires.
    public func issue(for userID: Int) -> (token: String, expiresAt: Date) {
        let expiry = Int64((now() + lifetime).timeIntervalSince1970.rounded(.down))
        let claims = "\(userID).\(expiry)"
        return ("\(claims).\(Self.base64URL(signature(of: claims)))", Date(timeIntervalSince1970: TimeInterval(expiry)))
    }

    /// The user a token was issued for.
    ///
    /// - Throws: ``Refusal`` when the token is malformed, forged or expired.
    public func userID(of token: String) throws(Refusal) -> Int {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let userID = Int(parts[0]), userID > 0, let expiry = Int64(parts[1]),
            let signature = Self.data(base64URL: String(parts[2]))
        else { throw .malformed }
        guard HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: Data("\(parts[0]).\(parts[1])".utf8), using: key) else {
            throw .badSignature
        }
        guard Double(expiry) > now().timeIntervalSince1970 else { throw .expired }
        return userID
    }

    private func signature(of claims: String) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: Data(claims.utf8), using: key))
    }

    private static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func data(base64URL text: String) -> Data? {
        guard text.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
