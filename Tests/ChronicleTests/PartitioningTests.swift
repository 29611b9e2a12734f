import ChronicleProjections
import Testing

/// The partition of an entity is FNV-1a (64 bits) of its id, the same on every node and in
/// every release: the published test vectors, taken modulo a prime large enough to show the hash.
@Suite("Partitioning")
struct PartitioningTests {
    @Test func isFNV1aOfTheEntityID() {
        #expect(Partitioning.partition(ofEntity: "a", among: 1_000_003) == Int(UInt64(0xaf63_dc4c_8601_ec8c) % 1_000_003))
        #expect(Partitioning.partition(ofEntity: "foobar", among: 1_000_003) == Int(UInt64(0x8594_4171_f739_67e8) % 1_000_003))
        #expect(Partitioning.partition(ofEntity: "meeting-42", among: 1) == 0, "one partition holds everything")
    }

    @Test func spreadsEntitiesEvenly() {
        var counts = [0, 0, 0, 0]
        for index in 0..<10_000 {
            counts[Partitioning.partition(ofEntity: "meeting-\(index)", among: 4)] += 1
        }
        #expect(counts.allSatisfy { (2_250...2_750).contains($0) }, "\(counts)")
    }
}
