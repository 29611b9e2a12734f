/// When a projection applies events.
public enum ProjectionMode: String, Hashable, Sendable, Codable {
    /// Inside each append's transaction: the tables are current when the append returns.
    case inline
    /// Behind the log, in batches, by a runner: appends do not wait for it.
    case async
}
