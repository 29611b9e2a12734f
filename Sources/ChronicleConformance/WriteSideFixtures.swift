public import Chronicle

/// The aggregate, event and command of the write-side checks, public so that an application's
/// tests can run their own checks on them.
public enum WriteSideFixtures: Sendable {
    /// A counter whose state depends on every event and its order: for concurrency and snapshot tests.
    public struct Counter: SnapshottingAggregate, Equatable {
        /// The entity type: `counter`.
        public static let entityType = "counter"
        /// A snapshot every 100 events.
        public static let snapshotEvery = 100

        /// How many increments were applied.
        public var count = 0
        /// The sum of their amounts.
        public var total = 0
        /// A running checksum over the amounts in order: a skipped or reordered event changes it.
        public var checksum: UInt64 = 14_695_981_039_346_656_037

        /// A counter with no increments.
        public init() {}

        /// Applies each increment, in order.
        public static let handlers = EventHandlers<Counter> {
            On(CounterIncremented.self) { event, counter in
                counter.count += 1
                counter.total += event.amount
                counter.checksum = (counter.checksum ^ UInt64(bitPattern: Int64(event.amount))) &* 1_099_511_628_211
            }
        }
    }

    /// One increment of a counter.
    public struct CounterIncremented: Event, Equatable {
        /// The event type: `counter.incremented`.
        public static let eventType = "counter.incremented"
        /// How much was added.
        public var amount: Int

        /// An increment by `amount`.
        public init(amount: Int) {
            self.amount = amount
        }
    }

    /// Increments a counter, creating it on first use.
    public struct Increment: Command {
        /// The counter.
        public typealias Target = Counter
        /// The first increment creates the counter.
        public static let createsEntity = true
        /// How much to add: 1 to 1,000.
        public var amount: Int

        /// An increment by `amount`.
        public init(amount: Int = 1) {
            self.amount = amount
        }

        /// The amount is between 1 and 1,000.
        public static let schema = Schema<Increment> { Field(\.amount, "amount") { Between(1...1_000) } }

        /// One `CounterIncremented`.
        public func decide(_ counter: Counter, context: CommandContext) throws -> [any Event] {
            [CounterIncremented(amount: amount)]
        }
    }
}
