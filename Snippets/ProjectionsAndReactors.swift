import ChronicleProjections
import ChronicleSQLite
import Foundation

// snippet.events
struct RoomBooked: Event {
    static let eventType = "room.booked"
    var guest: String
    var nights: Int
}

struct RoomCheckedOut: Event {
    static let eventType = "room.checked_out"
}
// snippet.end

// snippet.projection
/// One row per room: who is in it and for how many nights.
struct OccupancyProjection: Projection {
    static let name = "occupancy"
    static let version = 1
    static let tables = [
        ProjectionTable("occupancy", [
            "CREATE TABLE {table} (room TEXT PRIMARY KEY, guest TEXT, nights INTEGER NOT NULL)",
            "CREATE INDEX {table}_by_guest ON {table} (guest)",
        ])
    ]

    var handlers: EventHandlers<ProjectionContext> {
        EventHandlers {
            On(RoomBooked.self) { event, row in
                try await row.sql.raw("""
                    INSERT INTO \(ident: row.table("occupancy")) (room, guest, nights)
                    VALUES (\(bind: row.event.stream.entityID), \(bind: event.guest), \(bind: event.nights))
                    ON CONFLICT (room) DO UPDATE SET guest = excluded.guest, nights = excluded.nights
                    """).run()
            }
            On(RoomCheckedOut.self) { _, row in
                try await row.sql.raw("""
                    UPDATE \(ident: row.table("occupancy")) SET guest = NULL, nights = 0
                    WHERE room = \(bind: row.event.stream.entityID)
                    """).run()
            }
        }
    }
}
// snippet.end

// snippet.row-changes
/// The same table written with row changes: combined per room and written per batch.
struct RoomsProjection: Projection {
    static let name = "rooms"
    static let version = 1
    static let tables = [
        ProjectionTable("rooms", ["CREATE TABLE {table} (room TEXT PRIMARY KEY, guest TEXT, nights INTEGER NOT NULL)"])
    ]

    var handlers: EventHandlers<ProjectionContext> {
        EventHandlers {
            On(RoomBooked.self) { event, row in
                try await row.upsert(
                    into: "rooms", key: ["room": .text(row.event.stream.entityID)],
                    values: ["guest": .text(event.guest), "nights": .integer(event.nights)])
            }
            On(RoomCheckedOut.self) { _, row in
                try await row.update("rooms", key: ["room": .text(row.event.stream.entityID)], set: ["guest": nil, "nights": 0])
            }
        }
    }
}
// snippet.end

// snippet.reactor
/// Sends a welcome note for each booking, at most once per event.
struct WelcomeNotes: Reactor {
    static let name = "welcome-notes"
    let outbox: Outbox

    var handlers: EventHandlers<ReactionContext> {
        let outbox = outbox
        return EventHandlers {
            On(RoomBooked.self) { event, reaction in
                await outbox.send("Welcome, \(event.guest)!", key: reaction.idempotencyKey)
            }
        }
    }
}

/// Where notes go: a mail service in an application, a list here.
actor Outbox {
    private(set) var sent: [String: String] = [:]

    func send(_ text: String, key: String) {
        sent[key] = text  // a repeated key replaces, it does not send twice
    }
}
// snippet.end

// snippet.reaction-state
/// Records a stay when a guest checks out: the room as of the check-out (through that event),
/// not as of now, in a table of the hotel's, written with the reaction's receipt.
struct StayRecorder: Reactor {
    static let name = "stay-recorder"

    var handlers: EventHandlers<ReactionContext> {
        EventHandlers {
            On(RoomCheckedOut.self) { _, reaction in
                let room = try await reaction.stateAtEvent(of: Room.self)
                let (number, guest) = (reaction.event.stream.entityID, room.state.lastGuest ?? "unknown")
                reaction.write { sql in
                    try await sql.insert(into: "stays").columns("room", "guest").values(SQLBind(number), SQLBind(guest)).run()
                }
            }
            Ignore(RoomBooked.self)
        }
    }
}

/// A room, folded from its events.
struct Room: Aggregate {
    static let entityType = "room"
    var guest: String?
    var lastGuest: String?

    static let handlers = EventHandlers<Room> {
        On(RoomBooked.self) { event, room in room.guest = event.guest }
        On(RoomCheckedOut.self) { _, room in
            room.lastGuest = room.guest
            room.guest = nil
        }
    }
}

/// The hotel's own table, beside the projections' tables.
let hotelTables = MigrationSet(scope: "hotel", migrations: [
    Migration(version: 1, name: "create_stays", sql: "CREATE TABLE stays (room TEXT NOT NULL, guest TEXT NOT NULL)")
])
// snippet.end

// snippet.wiring
let outbox = Outbox()
try await EventSourcedApp.with(url: "sqlite:hotel.sqlite", drivers: [.sqlite]) { store in
    ReadSide(
        database: store,
        inline: [OccupancyProjection()],                          // current when append returns
        reactors: [WelcomeNotes(outbox: outbox), StayRecorder()],  // after commit, from the log
        migrations: [hotelTables])                                // the application's own tables
} _: { app in
    try await app.migrate()

    let room = StreamName(entityType: "room", entityID: "101")
    try await app.events.append([RoomBooked(guest: "Ada", nights: 3)], to: room, expected: .any)
    try await app.events.append([RoomCheckedOut()], to: room, expected: .any)

    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await app.run() }                   // follows the log until cancelled
        _ = try await app.readSide.waitUntilCaughtUp(timeout: .seconds(10))
        group.cancelAll()
    }
    print(await outbox.sent.values.sorted())
    let guests = try await app.read { sql in
        try await sql.select().column("guest").from("stays").all(decodingColumn: "guest", as: String.self)
    }
    print(guests)  // ["Ada"]: the guest as of the check-out

    try await app.readSide.rebuild(OccupancyProjection.self, mode: .online) { print($0) }  // no reactor runs
    print(try await app.readSide.status().projections.map { "\($0.name): \($0.state)" })
}
// snippet.end
