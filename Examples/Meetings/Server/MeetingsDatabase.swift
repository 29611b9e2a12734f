import ChroniclePersonalData
public import ChronicleProjections
import ChroniclePostgres
import ChronicleSQLite
public import Foundation
public import Logging
public import CoreMetrics

extension EventSourcedApp {
    /// Opens the meetings app on a SQLite file or a `postgres://` URL, runs `body`, and closes it.
    ///
    /// Titles and cancel reasons are encrypted with their organizer's key, under the master key
    /// `MeetingsMasterKey.resolve(url:creating:logger:)` finds: without one, nothing is opened.
    ///
    /// With `replicaURL` (a hot standby of the PostgreSQL database), the read routes read from
    /// the standby (`EventSourcedApp.replica`), and commands from the database. Commands,
    /// projections and reactors report their metrics to `metrics`.
    public static func meetings<Result>(
        url: String, replicaURL: String? = nil, creating: Bool = true, now: @escaping @Sendable () -> Date = Date.init, logger: Logger = Logger(label: "meetings"),
        pollInterval: Duration = .seconds(1), operationTimeout: Duration = .seconds(5), metrics: any MetricsFactory = MetricsSystem.factory,
        _ body: (EventSourcedApp) async throws -> Result
    ) async throws -> Result {
        let masterKey = try MeetingsMasterKey.resolve(url: url, creating: creating, logger: logger)
        let personalData = try PersonalDataCipher(eventTypes: MeetingsMasterKey.eventTypes, masterKey: masterKey)
        let settings = StoreSettings(
            now: now, operationTimeout: operationTimeout, createsDatabase: creating, logger: logger, personalData: personalData)
        return try await with(url: url, replica: replicaURL, drivers: [.sqlite, .postgres], settings: settings) { store in
            MeetingsReadModel.readSide(database: store, now: now, logger: logger, pollInterval: pollInterval, metrics: metrics)
        } _: { app in try await body(app) }
    }
}
