public import Chronicle

/// The aggregate, event and command of the write-side checks, public so that an application's
/// tests can run their own checks on them.
public enum WriteSideFixtures: Sendable {
    /// A counter whose state depends on every event and its order: for concurrency and snapshot tests.
    public struct Counter: SnapshottingAggregate, Equatable {
        public static let entityType = "counter"
        public static let snapshotEvery = 100

        public var count = 0
        public var total = 0
        /// A running checksum over the amounts in order: a skipped or reordered event changes it.
        public var checksum: UInt64 = 14_695_981_039_346_656_037

        public init() {}

        public static let handlers = EventHandlers<Counter> {
            On(CounterIncremented.self) { event, counter in
                counter.count += 1
                counter.total += event.amount
                counter.checksum = (counter.checksum ^ UInt64(bitPattern: Int64(event.amount))) &* 1_099_511_628_211
            }
        }
    }

    public struct CounterIncremented: Event, Equatable {
        public static let eventType = "counter.incremented"
        public var amount: Int

        public init(amount: Int) {
            self.amount = amount
        }
    }

    public struct Increment: Command {
        public typealias Target = Counter
        public static let createsEntity = true
        public var amount: Int

        public init(amount: Int = 1) {
            self.amount = amount
        }

        public static let schema = Schema<Increment> { Field(\.amount, "amount") { Between(1...1_000) } }

        public func decide(_ counter: Counter, context: CommandContext) throws -> [any Event] {
            [CounterIncremented(amount: amount)]
        }
    }
}
