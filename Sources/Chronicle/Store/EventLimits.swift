/// Size limits every store enforces before it writes anything.
///
/// A request beyond a limit fails with ``EventStoreError/Code/invalidInput`` and writes nothing.
///
/// ```swift
/// var limits = EventLimits()
/// limits.maximumDataSize = 256 * 1024
/// let store = InMemoryEventStore(limits: limits)
/// ```
public struct EventLimits: Hashable, Sendable {
    /// The largest `data` of one event, in bytes of JSON. Default: 4 MiB.
    public var maximumDataSize: Int

    /// The largest `meta` of one event, in bytes of JSON. Default: 64 KiB.
    public var maximumMetadataSize: Int

    /// The most events one append may carry. Default: 10,000.
    public var maximumEventsPerAppend: Int

    /// Creates limits; the defaults suit most applications.
    public init(
        maximumDataSize: Int = 4 * 1024 * 1024,
        maximumMetadataSize: Int = 64 * 1024,
        maximumEventsPerAppend: Int = 10_000
    ) {
        self.maximumDataSize = maximumDataSize
        self.maximumMetadataSize = maximumMetadataSize
        self.maximumEventsPerAppend = maximumEventsPerAppend
    }
}
