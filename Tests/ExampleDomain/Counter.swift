@_exported public import ChronicleConformance

/// A counter whose state depends on every event and its order (the conformance suites' own).
public typealias Counter = WriteSideFixtures.Counter
/// One increment of a counter.
public typealias CounterIncremented = WriteSideFixtures.CounterIncremented
/// The command that increments a counter.
public typealias Increment = WriteSideFixtures.Increment
