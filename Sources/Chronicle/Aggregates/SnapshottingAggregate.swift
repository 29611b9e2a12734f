/// An aggregate whose state is saved every so many events, so that loading folds only the
/// events after the newest snapshot.
///
/// The state must be `Codable`. Change ``snapshotSchema`` whenever the state's shape or the
/// meaning of its handlers changes: snapshots with another tag are ignored, and rebuilt from
/// the events.
///
/// ```swift
/// extension Account: SnapshottingAggregate {
///     static let snapshotEvery = 200
///     static let snapshotSchema = "2"
/// }
/// ```
public protocol SnapshottingAggregate: Aggregate, Codable {
    /// How many events may follow the newest snapshot before a new one is saved. Default: 100.
    static var snapshotEvery: Int { get }

    /// The tag of the state's shape. Default: `"1"`.
    static var snapshotSchema: String { get }
}

extension SnapshottingAggregate {
    /// A snapshot every 100 events.
    public static var snapshotEvery: Int { 100 }

    /// The first shape of the state.
    public static var snapshotSchema: String { "1" }
}
