/// What an append recorded: the events with their positions and versions.
///
/// ```swift
/// let result = try await store.append(events, to: stream, expected: .exactly(3))
/// result.version    // 3 + events.count: the next expected version
/// result.position   // the last event's position: a consistency token for readers
/// ```
public struct AppendResult: Hashable, Sendable {
    /// The appended events, in version order. Never empty.
    public var events: [RecordedEvent]

    /// Creates a result from the recorded events, which must not be empty.
    public init(events: [RecordedEvent]) {
        precondition(!events.isEmpty, "An append records at least one event.")
        self.events = events
    }

    /// The entity's version after the append: pass it as the next expected version.
    public var version: Int { events[events.count - 1].version }

    /// The position of the last appended event.
    public var position: Int64 { events[events.count - 1].position }

    /// The positions of the appended events, in version order.
    public var positions: [Int64] { events.map(\.position) }

    /// The result with each event's data replaced by the data of the event appended in its
    /// place: a store that encrypts personal fields returns the data as the caller gave it.
    public func withData(of appended: [NewEvent]) -> AppendResult {
        var result = self
        for index in result.events.indices where index < appended.count {
            result.events[index].data = appended[index].data
        }
        return result
    }
}
