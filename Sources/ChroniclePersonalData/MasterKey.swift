public import Crypto
public import Foundation

/// What wraps (encrypts) the subjects' data keys before a store keeps them: a master key the
/// application holds, or, behind this protocol, a key management service.
public protocol MasterKeyProvider: Sendable {
    /// A stable id of the master key, stored beside every key it wraps, so that a store opened
    /// with another master key says so instead of failing to decrypt.
    var id: String { get }

    /// Encrypts a data key.
    func wrap(_ dataKey: SymmetricKey) async throws -> Data

    /// Decrypts a data key this master key wrapped.
    ///
    /// - Throws: ``PersonalDataError`` when the wrapped key is damaged or not this master key's.
    func unwrap(_ wrappedKey: Data) async throws -> SymmetricKey
}

/// A 256-bit master key held by the application, wrapping data keys with AES-GCM.
///
/// ```swift
/// let masterKey = try LocalMasterKey(environment: "MEETINGS_MASTER_KEY")
/// ```
///
/// Create one with ``generate()`` (or `openssl rand -base64 32`) and keep it where the
/// application's other secrets are, never in the database it protects: a backup of the
/// database must not carry the key that opens it.
public struct LocalMasterKey: MasterKeyProvider {
    private let key: SymmetricKey

    /// The key's id: the first 8 bytes of its SHA-256, in hex. It says which key wrapped what
    /// without revealing the key.
    public let id: String

    /// A master key from its Base64 text.
    ///
    /// - Throws: ``PersonalDataError/invalidMasterKey(_:)`` unless the text is 32 bytes in Base64.
    public init(base64: String) throws {
        guard let bytes = Data(base64Encoded: base64.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32 else {
            throw PersonalDataError.invalidMasterKey("A master key is 32 random bytes in Base64 (44 characters, such as `openssl rand -base64 32` prints).")
        }
        key = SymmetricKey(data: bytes)
        id = SHA256.hash(data: bytes).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// The master key in an environment variable.
    ///
    /// - Throws: ``PersonalDataError/missingMasterKey(_:)`` when the variable is unset or empty;
    ///   ``PersonalDataError/invalidMasterKey(_:)`` when it is not a Base64 key of 32 bytes.
    public init(environment name: String, in environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let text = environment[name], !text.isEmpty else {
            throw PersonalDataError.missingMasterKey(
                "The master key is missing: set \(name) to 32 random bytes in Base64 (`openssl rand -base64 32`). Nothing was written.")
        }
        do {
            try self.init(base64: text)
        } catch PersonalDataError.invalidMasterKey(let reason) {
            throw PersonalDataError.invalidMasterKey("\(name) is not a master key. \(reason)")
        }
    }

    /// A new random master key, as Base64 text for the application's secrets.
    public static func generate() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// Encrypts a data key with AES-GCM.
    public func wrap(_ dataKey: SymmetricKey) throws -> Data {
        let sealed = try AES.GCM.seal(dataKey.withUnsafeBytes { Data($0) }, using: key, authenticating: Data(id.utf8))
        guard let combined = sealed.combined else { throw PersonalDataError.invalidMasterKey("AES-GCM gave no combined box.") }
        return combined
    }

    /// Decrypts a data key this master key wrapped.
    public func unwrap(_ wrappedKey: Data) throws -> SymmetricKey {
        do {
            let box = try AES.GCM.SealedBox(combined: wrappedKey)
            return SymmetricKey(data: try AES.GCM.open(box, using: key, authenticating: Data(id.utf8)))
        } catch {
            throw PersonalDataError.wrongMasterKey("A subject key does not open with master key \(id): it is damaged, or another master key wrapped it.")
        }
    }
}

/// A failure of personal-data protection that is not the store's: the master key or the
/// declarations.
public enum PersonalDataError: Error, Equatable, CustomStringConvertible {
    /// No master key was given (a variable unset): the application must not start.
    case missingMasterKey(String)
    /// The master key given is not a key.
    case invalidMasterKey(String)
    /// The store's keys were wrapped by another master key than the one given.
    case wrongMasterKey(String)
    /// An event type's personal fields are declared wrongly.
    case invalidDeclaration(String)

    /// The message.
    public var description: String {
        switch self {
        case .missingMasterKey(let message), .invalidMasterKey(let message), .wrongMasterKey(let message), .invalidDeclaration(let message):
            message
        }
    }
}
