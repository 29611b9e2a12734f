import Chronicle
import ChroniclePersonalData
import ChronicleSQL
import Foundation
import Testing

/// The checks of personal data on a SQL store: crypto-shredding, masking, archiving and
/// deleting entities.
struct PersonalDataConformance: Sendable {
    /// Opens an empty store with these upcasters and this protection.
    typealias Scope = @Sendable (
        _ upcasters: Upcasters, _ personalData: (any PersonalDataProtection)?, _ body: @Sendable (any SQLEventStore) async throws -> Void
    ) async throws -> Void

    let scope: Scope
    /// Everything the database holds, as bytes to search: a dump, or the file after a vacuum.
    let dump: @Sendable (any SQLEventStore) async throws -> Data

    /// The checks.
    public enum Check: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// After `forget`, no table holds the subject's plaintext or key; every read path shows
        /// the forgotten values; a rebuild equals live following; other subjects' data is intact,
        /// byte for byte; forgetting again is a no-op that says so.
        case forgetsASubjectEverywhere
        /// Upcasters see decrypted data while the key exists and the forgotten value after.
        case upcastsDecryptedDataThenTheForgottenValue
        /// An event without the subject of a personal field is refused; nothing is written, not
        /// even a key.
        case refusesAPersonalFieldWithoutItsSubject
        /// Keys wrapped by another master key are refused with a clear error, not read as forgotten.
        case refusesAnotherMasterKey
        /// Masking rewrites a subject's plaintext in place, resumably; no old value remains in
        /// events, audit rows, snapshots or rebuilt tables; a second run does nothing.
        case masksStoredPlaintextResumably
        /// Archiving moves an entity's events out of the log, closes the entity, keeps the events
        /// readable, and a rebuild equals live following.
        case archivesAnEntityOutOfTheLog
        /// Deleting removes an entity's events behind a tombstone that refuses appends.
        case deletesAnEntityBehindATombstone
        /// Inline projections apply the system events in their transaction, through the read
        /// side's append; the store's own append refuses to skip them.
        case appliesSystemEventsInline

        /// The check's name, as shown in test output.
        public var testDescription: String { rawValue }
    }

    func run(_ check: Check, sourceLocation: SourceLocation) async throws {
        let witness = UpcasterWitness()
        let upcasters = try ProfileRegistered.upcasters(witness: witness)
        let masterKey = try LocalMasterKey(base64: LocalMasterKey.generate())
        let cipher = try PersonalDataCipher(eventTypes: [ProfileRegistered.self, NoteWritten.self], masterKey: masterKey)
        let dump = dump
        let protected = check != .masksStoredPlaintextResumably
        try await scope(upcasters, protected ? cipher : nil) { store in
            let checks = PersonalDataChecks(
                database: store, dump: { try await dump(store) }, witness: witness, cipher: cipher, sourceLocation: sourceLocation)
            switch check {
            case .forgetsASubjectEverywhere: try await checks.forgetsASubjectEverywhere()
            case .upcastsDecryptedDataThenTheForgottenValue: try await checks.upcastsDecryptedDataThenTheForgottenValue()
            case .refusesAPersonalFieldWithoutItsSubject: try await checks.refusesAPersonalFieldWithoutItsSubject()
            case .refusesAnotherMasterKey: try await checks.refusesAnotherMasterKey()
            case .masksStoredPlaintextResumably: try await checks.masksStoredPlaintextResumably()
            case .archivesAnEntityOutOfTheLog: try await checks.archivesAnEntityOutOfTheLog()
            case .deletesAnEntityBehindATombstone: try await checks.deletesAnEntityBehindATombstone()
            case .appliesSystemEventsInline: try await checks.appliesSystemEventsInline()
            }
        }
    }
}
