public import Foundation

/// A past moment of an entity, for loading its state as it was ("time travel").
///
/// ```swift
/// try await aggregates.load(Meeting.self, id: id, asOf: .version(2))
/// try await aggregates.load(Meeting.self, id: id, asOf: .time(yesterday))
/// ```
public enum PointInTime: Hashable, Sendable {
    /// After the entity's first `n` events.
    case version(Int)
    /// After the entity's events recorded at or before a time.
    case time(Date)
}
