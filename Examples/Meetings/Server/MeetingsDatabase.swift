public import ChronicleProjections
import ChroniclePostgres
import ChronicleSQLite
public import Foundation
public import Logging

extension EventSourcedApp {
    /// Opens the meetings app on a SQLite file or a `postgres://` URL, runs `body`, and closes it.
    public static func meetings<Result>(
        url: String, creating: Bool = true, now: @escaping @Sendable () -> Date = Date.init, logger: Logger = Logger(label: "meetings"),
        pollInterval: Duration = .seconds(1), operationTimeout: Duration = .seconds(5), _ body: (EventSourcedApp) async throws -> Result
    ) async throws -> Result {
        let settings = StoreSettings(now: now, operationTimeout: operationTimeout, createsDatabase: creating, logger: logger)
        return try await with(url: url, drivers: [.sqlite, .postgres], settings: settings) { store in
            MeetingsReadModel.readSide(database: store, now: now, logger: logger, pollInterval: pollInterval)
        } _: { app in try await body(app) }
    }
}
