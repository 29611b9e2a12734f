import Chronicle
public import ChronicleProjections
public import ChronicleSQL
public import Foundation
public import Logging
public import CoreMetrics

/// The app's read side: the `meetings`/`invitations` tables (inline), the activity feed
/// (async), the notifications reactor (in four partitions on PostgreSQL) and its outbox.
public enum MeetingsReadModel: Sendable {
    /// The read side over a store.
    ///
    /// - Parameters:
    ///   - database: The store.
    ///   - now: The clock of commands, bookkeeping and the outbox.
    ///   - logger: Where the read side logs.
    ///   - pollInterval: How long caught-up runners wait before reading the log again.
    ///   - metrics: Where commands, projections and reactors report their metrics.
    public static func readSide(
        database: some SQLEventStore, now: @escaping @Sendable () -> Date = Date.init,
        logger: Logger = Logger(label: "meetings"), pollInterval: Duration = .seconds(1), metrics: any MetricsFactory = MetricsSystem.factory
    ) -> ReadSide {
        let aggregates = Aggregates.Configuration(now: now, logger: logger, metrics: metrics)
        let notifications = NotificationsReactor(
            outbox: Outbox(database: database, now: now),
            meetings: Aggregates(store: database, snapshots: nil, configuration: aggregates))
        // Partitions are for nodes to share: a SQLite file serves one process.
        let reactor: any Reactor = database.dialect.name == "sqlite" ? notifications : PartitionedNotificationsReactor(reactor: notifications)
        return ReadSide(
            database: database,
            inline: [MeetingsProjection()],
            async: [ActivityProjection()],
            reactors: [reactor],
            migrations: [Outbox.migrations],
            configuration: .init(pollInterval: pollInterval, now: now, logger: logger, aggregates: aggregates))
    }
}
