import Chronicle
import ChronicleTesting
import Foundation
import Testing

// snippet.events
struct RoomBooked: Event {
    static let eventType = "room.booked"
    var guest: String
    var nights: Int
    var arrival: Date
}

struct BookingCancelled: Event {
    static let eventType = "room.booking_cancelled"
    var reason: String
}
// snippet.end

// snippet.aggregate
struct Room: Aggregate {
    static let entityType = "room"

    var guest: String?
    var cancellations = 0

    static let handlers = EventHandlers<Room> {
        On(RoomBooked.self) { event, room in room.guest = event.guest }
        On(BookingCancelled.self) { _, room in
            room.guest = nil
            room.cancellations += 1
        }
    }
}
// snippet.end

// snippet.errors
enum RoomError: String, DomainError {
    case occupied = "room_occupied"
    case notBooked = "room_not_booked"

    var code: String { rawValue }
    var message: String {
        switch self {
        case .occupied: "The room is already booked."
        case .notBooked: "Only a booked room can be cancelled."
        }
    }
}
// snippet.end

// snippet.commands
struct BookRoom: Command {
    typealias Target = Room
    static let createsEntity = true          // the first booking creates the room's history

    var guest: String
    var nights: Int
    var arrival: Date
    var promoCode: String?

    static let schema = Schema<BookRoom> {
        Field(\.guest, "guest") { NotBlank(); Length(max: 100) }
        Field(\.nights, "nights") { Between(1...30) }
        Field(\.arrival, "arrival") { InFuture(atLeast: .hours(2)) }
        Field(\.promoCode, "promo_code") { Matches(/[A-Z]{4}[0-9]{2}/, message: "must look like SPRG26") }
    }

    func decide(_ room: Room, context: CommandContext) throws -> [any Event] {
        guard room.guest == nil else { throw RoomError.occupied }
        return [RoomBooked(guest: guest, nights: nights, arrival: arrival)]
    }
}

struct CancelBooking: Command {
    typealias Target = Room
    var reason: String

    static let schema = Schema<CancelBooking> { Field(\.reason, "reason") { NotBlank() } }

    func decide(_ room: Room, context: CommandContext) throws -> [any Event] {
        guard room.guest != nil else { throw RoomError.notBooked }
        return [BookingCancelled(reason: reason)]
    }
}
// snippet.end

// snippet.execute
let store = InMemoryEventStore()                 // or SQLiteEventStore, PostgresEventStore
let aggregates = Aggregates(store: store)
let room = EntityID<Room>("room-101")
let request = EventMetadata(actor: "front-desk", requestID: "req-1")

let booked = try await aggregates.execute(
    BookRoom(guest: "Ada", nights: 3, arrival: Date().addingTimeInterval(86_400)), on: room, metadata: request)
print("booked at version \(booked.version), position \(booked.position ?? 0)")

do {
    try await aggregates.execute(BookRoom(guest: " ", nights: 0, arrival: Date(), promoCode: "free"), on: room)
} catch let invalid as CommandValidationError {
    for failure in invalid.failures {
        print(failure.field, failure.code, failure.message)    // every failing field at once
    }
}

do {
    try await aggregates.execute(BookRoom(guest: "Bob", nights: 1, arrival: Date().addingTimeInterval(86_400)), on: room)
} catch let rule as any DomainError {
    print(rule.code)                                          // room_occupied
}

try await aggregates.execute(CancelBooking(reason: "Flight cancelled"), on: room)
let now = try await aggregates.load(Room.self, id: room)
let before = try await aggregates.load(Room.self, id: room, asOf: .version(1))
print(now.state.guest ?? "free", before.state.guest ?? "free")  // free Ada
// snippet.end

// snippet.testing
let arrival = Date().addingTimeInterval(7 * 86_400)

@Test func aBookedRoomCannotBeBookedAgain() async throws {
    try await Scenario(Room.self)
        .given(RoomBooked(guest: "Ada", nights: 3, arrival: arrival))
        .when(BookRoom(guest: "Bob", nights: 1, arrival: arrival))
        .thenFails(code: "room_occupied")
}

@Test func reportsEveryInvalidField() async throws {
    try await Scenario(Room.self)
        .when(BookRoom(guest: "", nights: 0, arrival: arrival))
        .thenFails(validation: ["guest": ["blank"], "nights": ["too_small"]])
}
// snippet.end
