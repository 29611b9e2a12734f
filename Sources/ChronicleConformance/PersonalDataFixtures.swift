import Chronicle
import ChronicleProjections
import Foundation
import SQLKit

/// A person's postal address: a nested personal field.
struct PostalAddress: Codable, Equatable, Sendable {
    var street: String
    var city: String
}

/// A profile registered by its owner: a name, an address and an age, all the owner's.
struct ProfileRegistered: Event, Equatable {
    static let eventType = "pd.profile_registered"
    static let schemaVersion = 2
    static let personalFields = [
        PersonalField("name", of: .field("ownerID"), forgotten: "(forgotten)"),
        PersonalField("address", of: .field("ownerID"), forgotten: nil),
        PersonalField("age", of: .field("ownerID"), forgotten: nil),
    ]
    var ownerID: Int
    var name: String
    var address: PostalAddress?
    var age: Int?
    /// Added at schema version 2, by the upcaster from 1: the name as version 1 had it, in
    /// capitals. It shows what an upcaster saw.
    var shout: String
}

/// A note whose text belongs to whoever wrote it: the event's actor.
struct NoteWritten: Event, Equatable {
    static let eventType = "pd.note_written"
    static let personalFields = [PersonalField("text", of: .actor, forgotten: "(forgotten)")]
    var text: String
    var words: Int
}

/// The profile's state, folded from its events.
struct Profile: Aggregate {
    static let entityType = "pd.profile"
    var name = ""
    var city: String?

    static let handlers = EventHandlers<Profile> {
        On(ProfileRegistered.self) { event, profile in
            profile.name = event.name
            profile.city = event.address?.city
        }
        Ignore(NoteWritten.self)
    }
}

/// Profiles by owner: a read table that copies personal data, and drops or blanks it when told.
struct ProfilesProjection: Projection {
    static let name = "pd_profiles"
    static let version = 1
    static let tables = [
        ProjectionTable("pd_profiles", [
            "CREATE TABLE {table} (profile_id TEXT PRIMARY KEY, owner_id TEXT NOT NULL, name TEXT NOT NULL, city TEXT, age INTEGER, shout TEXT NOT NULL)"
        ])
    ]

    var handlers: EventHandlers<ProjectionContext> {
        EventHandlers {
            On(ProfileRegistered.self) { event, row in
                try await row.sql.raw("""
                    INSERT INTO \(ident: row.table("pd_profiles")) (profile_id, owner_id, name, city, age, shout)
                    VALUES (\(bind: row.event.stream.entityID), \(bind: String(event.ownerID)), \(bind: event.name), \(bind: event.address?.city),
                        \(bind: event.age), \(bind: event.shout))
                    """).run()
            }
            On(SubjectForgotten.self) { event, row in
                try await row.sql.raw("""
                    UPDATE \(ident: row.table("pd_profiles")) SET name = '(forgotten)', city = NULL, age = NULL, shout = '(FORGOTTEN)'
                    WHERE owner_id = \(bind: event.subject)
                    """).run()
            }
            On(StreamArchived.self) { event, row in
                try await row.sql.raw("DELETE FROM \(ident: row.table("pd_profiles")) WHERE profile_id = \(bind: event.entityID)").run()
            }
            On(StreamDeleted.self) { event, row in
                try await row.sql.raw("DELETE FROM \(ident: row.table("pd_profiles")) WHERE profile_id = \(bind: event.entityID)").run()
            }
        }
    }

    struct Row: Equatable, CustomStringConvertible {
        var profileID: String
        var ownerID: String
        var name: String
        var city: String?
        var age: Int?
        var shout: String
        var description: String { "\(profileID) \(ownerID) \(name) \(city ?? "-") \(age.map(String.init) ?? "-") \(shout)" }
    }

    static func rows(in database: any SQLEventStore) async throws -> [Row] {
        try await database.withReadConnection { sql in
            try await sql.raw("SELECT profile_id, owner_id, name, city, age, shout FROM pd_profiles ORDER BY profile_id").all().map {
                Row(
                    profileID: try $0.decode(column: "profile_id", as: String.self), ownerID: try $0.decode(column: "owner_id", as: String.self),
                    name: try $0.decode(column: "name", as: String.self), city: try $0.decode(column: "city", as: String?.self),
                    age: try $0.decode(column: "age", as: Int?.self), shout: try $0.decode(column: "shout", as: String.self))
            }
        }
    }
}

/// What upcasters of profiles saw, in order.
final class UpcasterWitness: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [String] = []

    func saw(_ name: String) { lock.withLock { seen.append(name) } }
    var names: [String] { lock.withLock { seen } }
}

extension ProfileRegistered {
    /// The upcaster from version 1, which had no `shout`: it adds the name in capitals, and
    /// tells the witness what name it saw.
    static func upcasters(witness: UpcasterWitness) throws -> Upcasters {
        try Upcasters(
            [
                Upcaster(eventType, from: 1) { data in
                    let name: String
                    if case .string(let text)? = data["name"] { name = text } else { name = "?" }
                    witness.saw(name)
                    data["shout"] = .string(name.uppercased())
                }
            ], current: [ProfileRegistered.self, NoteWritten.self])
    }

    /// A profile as appended by code of version 1: raw JSON without `shout`.
    static func version1(owner: Int, name: String, street: String, city: String, age: Int) -> NewEvent {
        let object: JSONValue = [
            "ownerID": .integer(Int64(owner)), "name": .string(name), "address": ["street": .string(street), "city": .string(city)],
            "age": .integer(Int64(age)),
        ]
        return NewEvent(eventType: eventType, schemaVersion: 1, data: try! JSONEncoder().encode(object))
    }
}
