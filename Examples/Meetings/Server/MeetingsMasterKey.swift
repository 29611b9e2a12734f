import Chronicle
import ChroniclePersonalData
import Foundation
import Logging
import MeetingsDomain

/// Where the meetings app finds the master key that wraps its users' keys.
enum MeetingsMasterKey {
    /// The environment variable: 32 random bytes in Base64 (`openssl rand -base64 32`).
    static let variable = "MEETINGS_MASTER_KEY"

    /// The event types with personal fields, and the rest of the app's.
    static let eventTypes: [any Event.Type] = [
        MeetingScheduled.self, InvitationAccepted.self, InvitationDeclined.self, MeetingRescheduled.self, MeetingCancelled.self,
        MeetingFinished.self,
    ]

    /// The master key: `MEETINGS_MASTER_KEY`; else, for a SQLite file, the key file beside it
    /// (`<file>.master-key`), which a new SQLite database gets, so that trying the app needs no
    /// setup. A PostgreSQL database, or an existing SQLite file without its key file, needs the
    /// variable.
    ///
    /// - Throws: `PersonalDataError.missingMasterKey` before anything is opened or written.
    static func resolve(
        url: String, creating: Bool, logger: Logger, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> LocalMasterKey {
        if let text = environment[variable], !text.isEmpty { return try LocalMasterKey(environment: variable, in: environment) }
        guard let database = sqlitePath(url) else {
            throw PersonalDataError.missingMasterKey(
                "The master key is missing: set \(variable) to 32 random bytes in Base64 (`openssl rand -base64 32`), the key the database's personal data was written with. Nothing was written.")
        }
        let keyFile = database + ".master-key"
        if let text = try? String(contentsOfFile: keyFile, encoding: .utf8) {
            return try LocalMasterKey(base64: text)
        }
        guard creating, !FileManager.default.fileExists(atPath: database) else {
            throw PersonalDataError.missingMasterKey(
                "The master key is missing: set \(variable), or put the key the database was written with in \(keyFile). Nothing was written.")
        }
        let generated = LocalMasterKey.generate()
        guard FileManager.default.createFile(atPath: keyFile, contents: Data((generated + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw PersonalDataError.missingMasterKey("Cannot write the new master key to \(keyFile). Set \(variable) instead. Nothing was written.")
        }
        logger.warning(
            "Wrote a new master key for this development database to \(keyFile). In production, set \(variable) from your secrets, and keep the key out of the database's backups.")
        return try LocalMasterKey(base64: generated)
    }

    /// The file a SQLite URL names, or `nil` for PostgreSQL.
    private static func sqlitePath(_ url: String) -> String? {
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") { return nil }
        return url.hasPrefix("sqlite:") ? String(url.dropFirst("sqlite:".count)) : url
    }
}
