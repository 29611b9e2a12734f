/// What an append expects the entity's current version to be: the optimistic concurrency check.
///
/// A version counts an entity's events: an entity with three events is at version 3, and an
/// entity without events is at version 0. The store compares the expectation with the current
/// version inside the append and refuses the append with
/// ``EventStoreError/Code/wrongExpectedVersion`` when they differ, so two writers that loaded the
/// same state cannot both write.
///
/// ```swift
/// try await store.append(events, to: stream, expected: .noEvents)      // create
/// try await store.append(events, to: stream, expected: .exactly(3))    // after loading version 3
/// try await store.append(events, to: stream, expected: .any)           // no check
/// ```
public enum ExpectedVersion: Hashable, Sendable, CustomStringConvertible {
    /// Append whatever the current version is. Concurrent appends are ordered, never refused.
    case any
    /// The entity must have no events yet (version 0).
    case noEvents
    /// The entity must be exactly at this version. `.exactly(0)` means the same as ``noEvents``.
    case exactly(Int)

    /// The version the entity must be at, or `nil` for ``any``.
    public var requiredVersion: Int? {
        switch self {
        case .any: nil
        case .noEvents: 0
        case .exactly(let version): version
        }
    }

    /// Whether an entity at `currentVersion` satisfies this expectation.
    public func isSatisfied(byCurrentVersion currentVersion: Int) -> Bool {
        requiredVersion.map { $0 == currentVersion } ?? true
    }

    /// `any`, `no events` or `version n`.
    public var description: String {
        switch self {
        case .any: "any"
        case .noEvents: "no events"
        case .exactly(let version): "version \(version)"
        }
    }
}
