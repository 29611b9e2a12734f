import Chronicle
public import ChronicleSQL

extension StoreDriver {
    /// SQLite: opens `sqlite:<path>` and any URL that is not `postgres://` or `postgresql://`
    /// as a file path.
    public static let sqlite = StoreDriver(
        name: "sqlite",
        opens: { url in !url.hasPrefix("postgres://") && !url.hasPrefix("postgresql://") },
        open: { url, settings in
            let path = url.hasPrefix("sqlite:") ? String(url.dropFirst("sqlite:".count)) : url
            guard !path.isEmpty else { throw EventStoreError.invalidInput("The database URL names no SQLite file.") }
            return try await SQLiteEventStore(
                configuration: .init(
                    path: path, limits: settings.limits, now: settings.now, busyTimeout: settings.operationTimeout,
                    writerTimeout: settings.operationTimeout, createsFile: settings.createsDatabase, migratesOnOpen: false,
                    upcasters: settings.upcasters, personalData: settings.personalData, logger: settings.logger))
        })
}

extension SQLiteEventStore: ServedSQLEventStore {
    /// Nothing to prove: the file was opened with the store.
    public func checkConnection(timeout: Duration) async throws {}
}
