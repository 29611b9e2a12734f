public import Chronicle
import Crypto
import Foundation

/// Personal-data protection with AES-GCM and a data key per subject: what a store's
/// `personalData:` setting takes.
///
/// ```swift
/// let personalData = try PersonalDataCipher(
///     eventTypes: [MeetingScheduled.self, MeetingCancelled.self],
///     masterKey: try LocalMasterKey(environment: "MEETINGS_MASTER_KEY"))
/// let store = try await SQLiteEventStore(configuration: .init(path: "app.sqlite", personalData: personalData))
/// ```
///
/// On append, each `Event.personalFields` value is encrypted with its subject's data key (made
/// on first use, and kept by the store wrapped by the master key) and stored as a
/// `PersonalDataEnvelope`. On read, envelopes are decrypted; an envelope whose key was deleted
/// reads as the field's forgotten value.
///
/// Unwrapped keys are kept in memory for `keyLifetime` after they are read, so that appends and
/// reads do not look up the same keys again and again. Forgetting a subject in this process
/// drops them at once; another process drops them when their lifetime ends. Until then, it
/// may still read the subject's data, and data it appends for the subject with the old key reads
/// as forgotten.
public final class PersonalDataCipher: PersonalDataProtection {
    private let fields: [String: [PersonalField]]
    private let masterKey: any MasterKeyProvider
    private let keyLifetime: Duration
    private let cache = KeyCache()

    /// Creates the protection for a program's event types.
    ///
    /// - Parameters:
    ///   - eventTypes: The program's event types; those with `Event.personalFields` are protected.
    ///   - masterKey: What wraps the data keys.
    ///   - keyLifetime: How long an unwrapped key is kept in memory; 5 seconds by default, zero to
    ///     look keys up on every append and read.
    /// - Throws: ``PersonalDataError/invalidDeclaration(_:)`` for an empty path, a field declared
    ///   twice, or a field that is its own subject.
    public init(eventTypes: [any Event.Type], masterKey: any MasterKeyProvider, keyLifetime: Duration = .seconds(5)) throws {
        var fields: [String: [PersonalField]] = [:]
        for type in eventTypes where !type.personalFields.isEmpty {
            let declared = type.personalFields
            for field in declared {
                guard !field.path.isEmpty, !field.keys.contains("") else {
                    throw PersonalDataError.invalidDeclaration("\(type.eventType) declares a personal field with an empty path.")
                }
                guard declared.filter({ $0.path == field.path }).count == 1 else {
                    throw PersonalDataError.invalidDeclaration("\(type.eventType) declares the personal field \(field.path) twice.")
                }
                if case .field(let subject) = field.subject, subject == field.path || subject.hasPrefix(field.path + ".") {
                    throw PersonalDataError.invalidDeclaration(
                        "\(type.eventType)'s personal field \(field.path) cannot be its own subject: the subject must stay readable.")
                }
            }
            fields[type.eventType] = declared
        }
        self.fields = fields
        self.masterKey = masterKey
        self.keyLifetime = keyLifetime
    }

    /// The event types with personal fields.
    public var protectedEventTypes: Set<String> { Set(fields.keys) }

    // MARK: Sealing

    /// Encrypts the personal fields of events. See `PersonalDataProtection`.
    public func seal(_ events: [NewEvent], to stream: StreamName, keys: any SubjectKeyStore) async throws -> [NewEvent] {
        guard events.contains(where: { fields[$0.eventType] != nil }) else { return events }
        var documents: [Int: (JSONValue, [(PersonalField, String)])] = [:]
        var subjects = Set<String>()
        for (index, event) in events.enumerated() {
            guard let declared = fields[event.eventType] else { continue }
            let document = try Self.parse(event.data, of: event.eventType, stream: stream)
            var toSeal: [(PersonalField, String)] = []
            for field in declared {
                guard let value = document[path: field.keys], value != .null, PersonalDataEnvelope(value) == nil else { continue }
                let subject = try Self.subject(of: field, in: document, event: event, stream: stream)
                toSeal.append((field, subject))
                subjects.insert(subject)
            }
            if !toSeal.isEmpty { documents[index] = (document, toSeal) }
        }
        guard !subjects.isEmpty else { return events }
        let dataKeys = try await keysOf(subjects: subjects, in: keys)
        var sealed = events
        for (index, (original, toSeal)) in documents {
            var document = original
            for (field, subject) in toSeal {
                guard let value = document[path: field.keys], let (keyID, key) = dataKeys[subject] else { continue }
                document.replace(path: field.keys[...], with: try Self.encrypt(value, keyID: keyID, key: key).jsonValue)
            }
            sealed[index].data = document.jsonText
        }
        return sealed
    }

    private static func subject(of field: PersonalField, in document: JSONValue, event: NewEvent, stream: StreamName) throws -> String {
        switch field.subject {
        case .entity:
            return stream.entityID
        case .actor:
            guard let actor = event.metadata.actor, !actor.isEmpty else {
                throw EventStoreError.invalidInput(
                    "\(event.eventType)'s personal field \(field.path) belongs to the event's actor, but the event has no actor in its metadata. Nothing was appended.",
                    stream: stream, eventID: event.id)
            }
            return actor
        case .field(let path):
            switch document[path: path.split(separator: ".").map(String.init)] {
            case .string(let value)? where !value.isEmpty: return value
            case .integer(let value)?: return String(value)
            default:
                throw EventStoreError.invalidInput(
                    "\(event.eventType)'s personal field \(field.path) belongs to the subject in \(path), which is missing or not a string or an integer. Nothing was appended.",
                    stream: stream, eventID: event.id)
            }
        }
    }

    private static func encrypt(_ value: JSONValue, keyID: UUID, key: SymmetricKey) throws -> PersonalDataEnvelope {
        let plaintext = value.jsonText
        let box = try AES.GCM.seal(plaintext, using: key, nonce: AES.GCM.Nonce(), authenticating: Self.associatedData(keyID))
        return PersonalDataEnvelope(keyID: keyID, nonce: Data(box.nonce), ciphertext: box.ciphertext + box.tag)
    }

    private static func associatedData(_ keyID: UUID) -> Data { Data(keyID.lowercaseText.utf8) }

    // MARK: Opening

    /// Decrypts the envelopes of events, or replaces them by their forgotten values. See
    /// `PersonalDataProtection`.
    public func open(_ events: [RecordedEvent], keys: any SubjectKeyStore) async throws -> [RecordedEvent] {
        var documents: [(index: Int, document: JSONValue, envelopes: [(PersonalDataEnvelope, [String])])] = []
        var keyIDs = Set<UUID>()
        for (index, event) in events.enumerated() where PersonalDataEnvelope.mayBeIn(event.data) {
            guard let document = JSONValue.parse(event.data) else { continue }
            var envelopes: [(PersonalDataEnvelope, [String])] = []
            document.forEachEnvelope { envelope, path in
                keyIDs.insert(envelope.keyID)
                envelopes.append((envelope, path))
            }
            if !envelopes.isEmpty { documents.append((index, document, envelopes)) }
        }
        guard !documents.isEmpty else { return events }
        let dataKeys = try await keysOf(ids: keyIDs, in: keys)
        var opened = events
        for (index, original, envelopes) in documents {
            var document = original
            for (envelope, path) in envelopes {
                let value: JSONValue
                if let key = dataKeys[envelope.keyID] {
                    value = try Self.decrypt(envelope, key: key, event: events[index])
                } else {
                    let joined = path.joined(separator: ".")
                    value = fields[events[index].eventType]?.first { $0.path == joined }?.forgotten ?? .null
                }
                document.replace(path: path[...], with: value)
            }
            opened[index].data = document.jsonText
        }
        return opened
    }

    /// Why a stored envelope cannot be opened, beside the cipher's own errors.
    private struct DamagedEnvelope: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    private static func decrypt(_ envelope: PersonalDataEnvelope, key: SymmetricKey, event: RecordedEvent) throws -> JSONValue {
        do {
            guard envelope.ciphertext.count >= 16 else { throw DamagedEnvelope(reason: "its ciphertext is shorter than a tag") }
            let box = try AES.GCM.SealedBox(
                nonce: AES.GCM.Nonce(data: envelope.nonce), ciphertext: envelope.ciphertext.dropLast(16), tag: envelope.ciphertext.suffix(16))
            let plaintext = try AES.GCM.open(box, using: key, authenticating: associatedData(envelope.keyID))
            guard let value = JSONValue.parse(plaintext) else { throw DamagedEnvelope(reason: "its plaintext is not JSON") }
            return value
        } catch {
            throw EventStoreError(
                code: .databaseFailure,
                message: "Event \(event.position) has an encrypted field that its key (\(envelope.keyID.uuidString.lowercased())) does not open: the stored envelope is damaged.",
                stream: event.stream, eventID: event.id, position: event.position, underlying: error)
        }
    }

    /// Drops this process's copies of a forgotten subject's keys. See `PersonalDataProtection`.
    public func subjectForgotten(_ subject: String) {
        cache.remove(subject: subject)
    }

    // MARK: Keys

    private func keysOf(subjects: Set<String>, in store: any SubjectKeyStore) async throws -> [String: (UUID, SymmetricKey)] {
        var found = cache.keys(ofSubjects: subjects, lifetime: keyLifetime)
        let missing = subjects.subtracting(found.keys)
        guard !missing.isEmpty else { return found }
        let masterKey = masterKey
        let stored = try await store.subjectKeys(for: missing) { subject in
            StoredSubjectKey(
                id: UUID(), subject: subject, wrappedKey: try await masterKey.wrap(SymmetricKey(size: .bits256)), masterKeyID: masterKey.id)
        }
        for (subject, key) in stored {
            let unwrapped = try await unwrap(key)
            cache.add(key, unwrapped)
            found[subject] = (key.id, unwrapped)
        }
        return found
    }

    private func keysOf(ids: Set<UUID>, in store: any SubjectKeyStore) async throws -> [UUID: SymmetricKey] {
        var found = cache.keys(withIDs: ids, lifetime: keyLifetime)
        let missing = ids.subtracting(found.keys)
        guard !missing.isEmpty else { return found }
        for (id, key) in try await store.subjectKeys(withIDs: missing) {
            let unwrapped = try await unwrap(key)
            cache.add(key, unwrapped)
            found[id] = unwrapped
        }
        return found
    }

    private func unwrap(_ key: StoredSubjectKey) async throws -> SymmetricKey {
        guard key.masterKeyID == masterKey.id else {
            throw PersonalDataError.wrongMasterKey(
                "The key of subject \(key.subject) was wrapped by master key \(key.masterKeyID), but this program has master key \(masterKey.id): start it with the master key the store was written with.")
        }
        return try await masterKey.unwrap(key.wrappedKey)
    }

    private static func parse(_ data: Data, of eventType: String, stream: StreamName) throws -> JSONValue {
        guard let document = JSONValue.parse(data), case .object = document else {
            throw EventStoreError.invalidInput("The data of a \(eventType) event is not a JSON object. Nothing was appended.", stream: stream)
        }
        return document
    }
}

/// Unwrapped data keys this process read recently, by subject and by id.
private final class KeyCache: @unchecked Sendable {
    private struct Entry {
        let id: UUID
        let subject: String
        let key: SymmetricKey
        let readAt: ContinuousClock.Instant
    }

    private let lock = NSLock()
    private var byID: [UUID: Entry] = [:]
    private var bySubject: [String: Entry] = [:]

    func add(_ stored: StoredSubjectKey, _ key: SymmetricKey) {
        let entry = Entry(id: stored.id, subject: stored.subject, key: key, readAt: .now)
        lock.withLock {
            byID[stored.id] = entry
            bySubject[stored.subject] = entry
        }
    }

    func keys(ofSubjects subjects: Set<String>, lifetime: Duration) -> [String: (UUID, SymmetricKey)] {
        let oldest = ContinuousClock.now - lifetime
        return lock.withLock {
            var found: [String: (UUID, SymmetricKey)] = [:]
            for subject in subjects {
                if let entry = bySubject[subject], entry.readAt > oldest { found[subject] = (entry.id, entry.key) }
            }
            return found
        }
    }

    func keys(withIDs ids: Set<UUID>, lifetime: Duration) -> [UUID: SymmetricKey] {
        let oldest = ContinuousClock.now - lifetime
        return lock.withLock {
            var found: [UUID: SymmetricKey] = [:]
            for id in ids {
                if let entry = byID[id], entry.readAt > oldest { found[id] = entry.key }
            }
            return found
        }
    }

    func remove(subject: String) {
        lock.withLock {
            bySubject[subject] = nil
            byID = byID.filter { $0.value.subject != subject }
        }
    }
}
