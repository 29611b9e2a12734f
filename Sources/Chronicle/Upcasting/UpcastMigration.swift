/// A stored event and what an upcasting migration writes in its place.
public struct EventRewrite: Sendable {
    /// The event as stored.
    public var stored: RecordedEvent
    /// The event at its current version: same position, id, entity, version and metadata.
    public var current: RecordedEvent
}

/// How far an upcasting migration has come, reported after every batch.
public struct UpcastMigrationProgress: Sendable {
    /// The migration's id.
    public var id: String
    /// The position the migration has rewritten up to.
    public var position: Int64
    /// Events rewritten by this run so far.
    public var rewritten: Int

    /// Creates a report.
    public init(id: String, position: Int64, rewritten: Int) {
        self.id = id
        self.position = position
        self.rewritten = rewritten
    }
}

/// What one run of an upcasting migration did.
public struct UpcastMigrationReport: Sendable, Equatable {
    /// The migration's id.
    public var id: String
    /// Events rewritten by this run.
    public var rewritten: Int
    /// Stored events this run left as they are because an upcaster splits them: a split cannot
    /// be written in place without new positions, so those stay upcast on read.
    public var splitsLeft: Int
    /// Stored events this run left as they are because they hold encrypted personal fields
    /// (``PersonalDataEnvelope``): upcasters see those decrypted, which only a read does, so
    /// they stay upcast on read.
    public var encryptedLeft: Int
    /// Whether the migration had finished before this run, which then did nothing.
    public var wasFinished: Bool

    /// Creates a report.
    public init(id: String, rewritten: Int, splitsLeft: Int, encryptedLeft: Int = 0, wasFinished: Bool) {
        self.id = id
        self.rewritten = rewritten
        self.splitsLeft = splitsLeft
        self.encryptedLeft = encryptedLeft
        self.wasFinished = wasFinished
    }
}

extension Upcasters {
    /// The rewrites an upcasting migration makes of stored events: every event that upcasting
    /// turns into exactly one event. Events that are current, of unknown types, or split are
    /// left out; the number of splits is returned beside.
    ///
    /// - Throws: What upcasting the events throws.
    public func rewrites(of stored: [RecordedEvent]) throws -> (rewrites: [EventRewrite], splits: Int) {
        var rewrites: [EventRewrite] = []
        var splits = 0
        for event in stored {
            let current = try upcast([event])
            if current.count > 1 {
                splits += 1
            } else if let only = current.first, only != event {
                rewrites.append(EventRewrite(stored: event, current: only))
            }
        }
        return (rewrites, splits)
    }
}
