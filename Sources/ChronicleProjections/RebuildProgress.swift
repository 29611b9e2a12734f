import Foundation

/// How far a rebuild has come, reported after every batch.
public struct RebuildProgress: Sendable, CustomStringConvertible {
    /// The projection being rebuilt.
    public var projection: String
    /// The position the rebuild has replayed up to.
    public var position: Int64
    /// The log's head when the rebuild started: the position it works towards.
    public var head: Int64
    /// Events replayed by this run of the rebuild.
    public var eventsReplayed: Int
    /// Events replayed per second by this run.
    public var eventsPerSecond: Double

    /// Creates a report.
    public init(projection: String, position: Int64, head: Int64, eventsReplayed: Int, eventsPerSecond: Double) {
        self.projection = projection
        self.position = position
        self.head = head
        self.eventsReplayed = eventsReplayed
        self.eventsPerSecond = eventsPerSecond
    }

    /// The part done, from 0 to 1.
    public var fractionDone: Double {
        head == 0 ? 1 : min(1, Double(position) / Double(head))
    }

    /// The time still needed at the current pace, when it can be told.
    public var estimatedRemaining: Duration? {
        guard eventsPerSecond > 0, head > position else { return head > position ? nil : .zero }
        return .seconds(Double(head - position) / eventsPerSecond)
    }

    /// `meetings: 512,000 of 1,000,000 (51%), 98,000 events/s, 5 s left`.
    public var description: String {
        var text = "\(projection): \(position.formatted()) of \(head.formatted()) (\(Int(fractionDone * 100))%), \(Int(eventsPerSecond).formatted()) events/s"
        if let remaining = estimatedRemaining {
            text += ", \(remaining.components.seconds) s left"
        }
        return text
    }
}
