/// How a partitioned reactor's events are split: by a stable hash of their entity's id.
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
