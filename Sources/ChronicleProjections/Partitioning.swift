/// How a partitioned reactor's or projection's events are split: by a stable hash of their entity's id.
///
/// The hash is FNV-1a (64 bits) of the id's UTF-8 bytes: the same on every node, every
/// platform and every release, unlike Swift's `Hasher`, which is seeded per process. All events
/// of an entity fall in one partition, so their order is kept.
///
/// ```swift
/// let partition = Partitioning.partition(ofEntity: "meeting-42", among: 4)   // 0..<4
/// ```
public enum Partitioning: Sendable {
    /// The partition, in `0..<partitions`, of an entity's events; 0 when `partitions` is 1 or less.
    public static func partition(ofEntity entityID: String, among partitions: Int) -> Int {
        guard partitions > 1 else { return 0 }
        return Int(hash(entityID) % UInt64(partitions))
    }

    /// Throws unless a consumer's partitions can run: one or more, and more only when it needs
    /// no more than each entity's order.
    ///
    /// - Parameters:
    ///   - kind: What the messages call it: "Reactor" or "Projection".
    ///   - name: Its name.
    /// - Throws: ``ReadSideError/Code/invalidDefinition``.
    static func checkDeclaration(of kind: String, named name: String, partitions: Int, ordering: EventOrdering) throws {
        let consumer = "\(kind) \(name)"
        guard partitions >= 1 else {
            throw ReadSideError(
                code: .invalidDefinition, message: "\(consumer) declares \(partitions) partitions; declare 1 or more.", name: name)
        }
        guard partitions == 1 || ordering == .perEntity else {
            throw ReadSideError(
                code: .invalidDefinition,
                message: "\(consumer) declares \(partitions) partitions but needs the log's global order. Partitions keep only each entity's order: declare `static let ordering = EventOrdering.perEntity` if that is all it needs, or run it as one partition.",
                name: name)
        }
    }

    /// FNV-1a, 64 bits.
    static func hash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
