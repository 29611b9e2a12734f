/// The order in which a reactor needs to see events.
///
/// A reactor that needs only the order of each entity's own events (mail about a meeting, a
/// webhook per order) can be split into partitions that run side by side, on several nodes:
/// ``Reactor/partitions``. One that reads across entities (a total, a ranking, anything that
/// compares one entity's events with another's) needs the global order of the log, and runs as
/// one.
public enum EventOrdering: String, Sendable, Codable {
    /// Every event after every event before it in the log: the reactor runs as one.
    case global
    /// Each entity's events in their order; events of different entities in any order.
    case perEntity = "per_entity"
}
