public import ChronicleSQL

extension StoreDriver {
    /// PostgreSQL: opens `postgres://` and `postgresql://` URLs (see
    /// `PostgresEventStore.init(url:configuration:maximumConnections:)`).
    public static let postgres = StoreDriver(
        name: "postgres",
        opens: { url in url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") },
        open: { url, settings in
            try PostgresEventStore(
                url: url,
                configuration: .init(
                    limits: settings.limits, now: settings.now, upcasters: settings.upcasters, personalData: settings.personalData, logger: settings.logger,
                    operationTimeout: settings.operationTimeout))
        })
}

extension PostgresEventStore: ServedSQLEventStore {}
