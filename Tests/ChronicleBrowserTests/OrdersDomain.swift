import Chronicle
import ChronicleProjections
import Foundation
import SQLKit

/// A small domain for the browser's tests: orders whose shipping a reactor notes on a
/// shipment (an event caused by an event, on another entity), and a projection that fails on
/// an item named "poison" while ``PoisonSwitch`` is on, and parks it until an operator retries.
struct ItemAdded: Event, Equatable {
    static let eventType = "order.item_added"
    var name: String
}

struct OrderShipped: Event, Equatable {
    static let eventType = "order.shipped"
}

struct ShipmentNoted: Event, Equatable {
    static let eventType = "shipment.noted"
    var order: String
}

struct Order: Aggregate {
    static let entityType = "order"
    var items: [String] = []
    var shipped = false

    static let handlers = EventHandlers<Order> {
        On(ItemAdded.self) { event, order in order.items.append(event.name) }
        On(OrderShipped.self) { _, order in order.shipped = true }
    }
}

struct Shipment: Aggregate {
    static let entityType = "shipment"
    var notes = 0

    static let handlers = EventHandlers<Shipment> {
        On(ShipmentNoted.self) { _, shipment in shipment.notes += 1 }
    }
}

struct AddItem: Command {
    typealias Target = Order
    static let createsEntity = true
    var name: String

    func decide(_ order: Order, context: CommandContext) throws -> [any Event] { [ItemAdded(name: name)] }
}

struct Ship: Command {
    typealias Target = Order

    func decide(_ order: Order, context: CommandContext) throws -> [any Event] { [OrderShipped()] }
}

struct NoteShipment: Command {
    typealias Target = Shipment
    static let createsEntity = true
    var order: String

    func decide(_ shipment: Shipment, context: CommandContext) throws -> [any Event] { [ShipmentNoted(order: order)] }
}

/// Notes each shipped order on a shipment of its own.
struct ShippingNotifier: Reactor {
    static let name = "shipping-notifier"

    var handlers: EventHandlers<ReactionContext> {
        EventHandlers {
            On(OrderShipped.self) { _, reaction in
                let order = reaction.event.stream.entityID
                try await reaction.execute(NoteShipment(order: order), on: EntityID("shipment-\(order)"))
            }
        }
    }
}

/// Whether ``OrderItemsProjection`` fails on "poison".
actor PoisonSwitch {
    private(set) var isOn = true
    func turnOff() { isOn = false }
}

/// One row per item; fails on an item named "poison" while the switch is on, and parks it.
struct OrderItemsProjection: Projection {
    static let name = "order-items"
    static let version = 1
    static let errorPolicy = ErrorPolicy.park(afterAttempts: 2)
    static let tables = [ProjectionTable("order_items", ["CREATE TABLE {table} (position BIGINT PRIMARY KEY, order_id TEXT NOT NULL, name TEXT NOT NULL)"])]
    let poison: PoisonSwitch

    struct Poisoned: Error, CustomStringConvertible {
        var description: String { "the item is poison" }
    }

    var handlers: EventHandlers<ProjectionContext> {
        let poison = poison
        return EventHandlers {
            On(ItemAdded.self) { event, row in
                if event.name == "poison", await poison.isOn { throw Poisoned() }
                try await row.sql.raw("""
                    INSERT INTO \(ident: row.table("order_items")) (position, order_id, name)
                    VALUES (\(bind: row.event.position), \(bind: row.event.stream.entityID), \(bind: event.name))
                    """).run()
            }
        }
    }
}
