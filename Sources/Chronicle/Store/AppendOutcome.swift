/// What became of one append of a group that a driver wrote together.
public enum AppendOutcome: Sendable {
    /// The append was written with the group.
    case written(AppendResult)
    /// Nothing of the append was written (its expectation did not hold, or the group failed
    /// before anything was committed): it is written alone, where it fails or is retried as a
    /// single append would be.
    case refused
    /// The append failed, with this error for its caller: the connection was lost during the
    /// commit (whether it was written is unknown), or the work that goes with it failed and
    /// nothing of it was written.
    case failed(any Error)

    /// What became of each append of a group, from the rows its statement inserted (version and
    /// position, by entity id): written when all its events came back, refused when none did.
    public static func outcomes(
        of appends: [PreparedAppend], writtenRows: [String: [(version: Int, position: Int64)]]
    ) -> [AppendOutcome] {
        appends.map { append in
            guard let written = writtenRows[append.stream.entityID] else { return .refused }
            let ordered = written.sorted { $0.version < $1.version }
            guard ordered.count == append.entries.count, let firstVersion = ordered.first?.version else {
                return .failed(EventStoreError(
                    code: .databaseFailure,
                    message: "The group append returned \(ordered.count) positions for \(append.entries.count) events.",
                    stream: append.stream))
            }
            return .written(AppendResult(events: append.recordedEvents(after: firstVersion - 1, positions: ordered.map(\.position))))
        }
    }
}
