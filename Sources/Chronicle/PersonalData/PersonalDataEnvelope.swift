public import Foundation

/// How an encrypted personal field is stored: in place of the value, under the field's own name.
///
/// ```json
/// {"title": {"chronicle_encrypted": {"key_id": "6f1c…", "nonce": "base64…", "ciphertext": "base64…"}},
///  "organizerID": 3}
/// ```
///
/// The ciphertext is AES-GCM over the value's JSON text, with its tag appended. The key id names
/// a row of `chronicle_subject_keys`; once that row is deleted (``ForgetReport``), nothing can
/// read the value again.
public struct PersonalDataEnvelope: Hashable, Sendable {
    /// The key the value is encrypted with.
    public var keyID: UUID
    /// The AES-GCM nonce, 12 bytes.
    public var nonce: Data
    /// The ciphertext followed by the 16-byte tag.
    public var ciphertext: Data

    /// The key under which an envelope is stored in a field's place.
    public static let marker = "chronicle_encrypted"

    /// Creates an envelope.
    public init(keyID: UUID, nonce: Data, ciphertext: Data) {
        self.keyID = keyID
        self.nonce = nonce
        self.ciphertext = ciphertext
    }

    /// The envelope a stored value is, or `nil` when the value is not an envelope.
    public init?(_ value: JSONValue) {
        guard case .object(let outer) = value, outer.count == 1, case .object(let fields)? = outer[Self.marker],
            case .string(let key)? = fields["key_id"], let keyID = UUID(parsing: key),
            case .string(let nonce)? = fields["nonce"], let nonceData = Data(base64Encoded: nonce),
            case .string(let ciphertext)? = fields["ciphertext"], let ciphertextData = Data(base64Encoded: ciphertext)
        else { return nil }
        self.init(keyID: keyID, nonce: nonceData, ciphertext: ciphertextData)
    }

    /// The envelope as the JSON value stored in the field's place.
    public var jsonValue: JSONValue {
        .object([
            Self.marker: .object([
                "key_id": .string(keyID.lowercaseText),
                "nonce": .string(nonce.base64EncodedString()),
                "ciphertext": .string(ciphertext.base64EncodedString()),
            ])
        ])
    }

    /// Whether JSON text may hold an envelope: a quick test that lets plain events skip parsing.
    public static func mayBeIn(_ data: Data) -> Bool {
        data.range(of: Data("\"\(marker)\"".utf8)) != nil
    }
}

extension JSONValue {
    /// The value at a path of object keys, or `nil` when the path leads nowhere.
    package subscript(path keys: [String]) -> JSONValue? {
        var value = self
        for key in keys {
            guard case .object(let object) = value, let next = object[key] else { return nil }
            value = next
        }
        return value
    }

    /// Replaces the value at a path of object keys that exists; returns whether it did.
    @discardableResult
    package mutating func replace(path keys: ArraySlice<String>, with newValue: JSONValue) -> Bool {
        guard let key = keys.first else {
            self = newValue
            return true
        }
        guard case .object(var object) = self, var child = object[key] else { return false }
        let replaced = child.replace(path: keys.dropFirst(), with: newValue)
        object[key] = child
        self = .object(object)
        return replaced
    }

    /// Calls `body` with the path of every envelope in the value, depth first.
    package func forEachEnvelope(at path: [String] = [], _ body: (PersonalDataEnvelope, [String]) throws -> Void) rethrows {
        if let envelope = PersonalDataEnvelope(self) {
            try body(envelope, path)
            return
        }
        switch self {
        case .object(let object):
            for (key, value) in object.sorted(by: { $0.key < $1.key }) { try value.forEachEnvelope(at: path + [key], body) }
        case .array(let values):
            for (index, value) in values.enumerated() { try value.forEachEnvelope(at: path + [String(index)], body) }
        default:
            break
        }
    }
}
