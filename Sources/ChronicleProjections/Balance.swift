/// How a node's share of a partitioned consumer's partitions is counted: the live nodes, in
/// the order of their names, take `partitions / nodes` each, and the first `partitions % nodes`
/// of them one more. Every node counts the same shares from the same list, and the shares add
/// up to the partitions, so that each partition has a node.
struct Balance: Sendable {
    /// This node.
    let node: String
    /// The partitioned consumers, with their numbers of partitions.
    let partitions: [String: Int]

    /// Whether any consumer is partitioned.
    var isNeeded: Bool { !partitions.isEmpty }

    /// How many of a consumer's partitions this node should hold among the live nodes (this
    /// node counts as live).
    func share(of consumer: String, among live: [String]) -> Int {
        let total = partitions[consumer] ?? 1
        let nodes = Set(live + [node]).sorted()
        let index = nodes.firstIndex(of: node) ?? 0
        return total / nodes.count + (index < total % nodes.count ? 1 : 0)
    }
}
