import Chronicle
import ChroniclePersonalData
import ChronicleProjections
import ChronicleSQL
import Foundation
import SQLKit
import Testing

/// The personal-data checks, on one store.
struct PersonalDataChecks {
    let database: any SQLEventStore
    let dump: @Sendable () async throws -> Data
    let witness: UpcasterWitness
    let cipher: PersonalDataCipher
    let sourceLocation: SourceLocation

    var helpers: ReadSideChecks { ReadSideChecks(database: database, sourceLocation: sourceLocation) }

    static func profile(_ id: String) -> StreamName { StreamName(entityType: Profile.entityType, entityID: id) }

    /// The plaintext of one person's data, each a string no other data contains.
    struct Markers {
        let owner: Int
        var name: String { "name-of-\(owner)-b7e1" }
        var street: String { "street-of-\(owner)-c3a9" }
        var city: String { "city-of-\(owner)-5d2f" }
        var note: String { "note-by-\(owner)-9e44" }
        var age: Int { 918_273_600 + owner }
        var all: [String] { [name, street, city, note, String(age)] }
        var actor: String { String(owner) }
    }

    /// Appends a profile (as version 1 code did, and as current code does) and a note for a person.
    @discardableResult
    func register(_ person: Markers, profile id: String, in store: any EventStore) async throws -> AppendResult {
        try await store.append(
            [ProfileRegistered.version1(owner: person.owner, name: person.name, street: person.street, city: person.city, age: person.age)],
            to: Self.profile(id), expected: .noEvents)
        return try await store.append(
            [try NewEvent(NoteWritten(text: person.note, words: 1), metadata: EventMetadata(actor: person.actor))], to: Self.profile(id),
            expected: .exactly(1))
    }

    func text(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }

    /// The whole log through `readLog`, once it has reached the head: on PostgreSQL, the
    /// gap-free reader holds events back while another test's transaction runs.
    func wholeLog() async throws -> [RecordedEvent] {
        let head = try await database.headPosition()
        var log: [RecordedEvent] = []
        try await helpers.waitUntil("the log reaches \(head)") {
            log = try await database.readLog(after: 0, limit: 1_000)
            return log.last?.position == head
        }
        return log
    }

    func expectAbsent(_ markers: [String], from dump: Data, _ comment: Comment, sourceLocation: SourceLocation) {
        for marker in markers {
            #expect(dump.range(of: Data(marker.utf8)) == nil, "\(comment): \(marker) is still in the database", sourceLocation: sourceLocation)
        }
    }

    func expectPresent(_ markers: [String], in dump: Data, _ comment: Comment, sourceLocation: SourceLocation) {
        for marker in markers {
            #expect(dump.range(of: Data(marker.utf8)) != nil, "\(comment): \(marker) is missing from the dump", sourceLocation: sourceLocation)
        }
    }

    // MARK: Crypto-shredding

    func forgetsASubjectEverywhere() async throws {
        let alice = Markers(owner: 1)
        let bob = Markers(owner: 2)
        let readSide = helpers.makeReadSide(async: [ProfilesProjection()])
        try await readSide.migrate()
        let store = readSide.eventStore
        try await register(alice, profile: "p1", in: store)
        try await register(bob, profile: "p2", in: store)
        let aliceTyped = try await store.append(
            [ProfileRegistered(ownerID: 1, name: alice.name + "-typed", address: nil, age: nil, shout: "typed")], to: Self.profile("p3"),
            expected: .noEvents)
        #expect(text(aliceTyped.events[0].data).contains(alice.name + "-typed"), "the append returns the data as given", sourceLocation: sourceLocation)

        // As stored: envelopes under the fields' names, with the subject left readable.
        let stored = try await database.storedEvents(ofEntity: "p1")
        #expect(stored.count == 2, sourceLocation: sourceLocation)
        for event in stored {
            #expect(text(event.data).contains(PersonalDataEnvelope.marker), "\(text(event.data))", sourceLocation: sourceLocation)
            expectAbsent(alice.all, from: event.data, "the stored row", sourceLocation: sourceLocation)
        }
        #expect(text(stored[0].data).contains(#""ownerID":1"#), "the subject field stays plain: \(text(stored[0].data))", sourceLocation: sourceLocation)

        // Snapshots hold folded, decrypted state.
        for (id, person) in [("p1", alice), ("p2", bob)] {
            try await database.saveSnapshot(
                Snapshot(stream: Self.profile(id), version: 2, schema: "profile-1", state: Data(#"{"name":"\#(person.name)"}"#.utf8)))
        }
        try await helpers.running(readSide) {
            try await self.helpers.waitUntilCaughtUp(readSide, ProfilesProjection.name)
        }
        let liveBefore = try await ProfilesProjection.rows(in: database)
        #expect(liveBefore.map(\.name) == [alice.name, bob.name, alice.name + "-typed"], "\(liveBefore)", sourceLocation: sourceLocation)
        #expect(witness.names == [alice.name, bob.name], "the upcaster saw decrypted names", sourceLocation: sourceLocation)

        let bobStoredBefore = try await database.storedEvents(ofEntity: "p2")
        let bobReadBefore = try await database.readStream(Self.profile("p2"))
        let aliceKey = try await database.withReadConnection { sql in
            try await sql.raw("SELECT wrapped_key FROM chronicle_subject_keys WHERE subject = '1'").first()?.decode(column: "wrapped_key", as: String.self)
        }
        let dumpBefore = try await dump()
        expectPresent([aliceKey ?? "no key"], in: dumpBefore, "before forgetting, alice's wrapped key", sourceLocation: sourceLocation)
        expectPresent([alice.name, bob.name], in: dumpBefore, "before forgetting (read table, snapshots)", sourceLocation: sourceLocation)

        let report = try await database.forget(subject: "1", by: "privacy-officer", appending: nil)
        #expect(report.keysDeleted == 1 && report.snapshotsDeleted == 1 && report.position != nil, "\(report)", sourceLocation: sourceLocation)

        // Every read path shows the forgotten values.
        let forgottenProfile = try await database.readStream(Self.profile("p1"))
        let profileEvent = try forgottenProfile[0].decode(as: ProfileRegistered.self)
        #expect(profileEvent.name == "(forgotten)" && profileEvent.address == nil && profileEvent.age == nil, "\(profileEvent)", sourceLocation: sourceLocation)
        #expect(profileEvent.shout == "(FORGOTTEN)", "the upcaster saw the forgotten value", sourceLocation: sourceLocation)
        #expect(try forgottenProfile[1].decode(as: NoteWritten.self) == NoteWritten(text: "(forgotten)", words: 1), sourceLocation: sourceLocation)
        for events in [try await wholeLog(), try await database.readCommittedLog(after: 0, limit: 100)] {
            let all = events.map { text($0.data) }.joined()
            expectAbsent(alice.all, from: Data(all.utf8), "the log", sourceLocation: sourceLocation)
            #expect(all.contains(bob.name) && all.contains(bob.note), "bob's data reads", sourceLocation: sourceLocation)
        }
        let loaded = try await readSide.aggregates().load(Profile.self, id: EntityID("p1"))
        #expect(loaded.state.name == "(forgotten)" && loaded.state.city == nil, "\(loaded.state)", sourceLocation: sourceLocation)
        #expect(try await database.snapshot(of: Self.profile("p1")) == nil, "alice's snapshot is gone", sourceLocation: sourceLocation)
        #expect(try await database.snapshot(of: Self.profile("p2")) != nil, "bob's snapshot stays", sourceLocation: sourceLocation)

        // Projections learn of it, and a rebuild gives the same tables.
        try await helpers.running(readSide) {
            try await self.helpers.waitUntilCaughtUp(readSide, ProfilesProjection.name)
        }
        let live = try await ProfilesProjection.rows(in: database)
        #expect(live.map(\.name) == ["(forgotten)", bob.name, "(forgotten)"], "\(live)", sourceLocation: sourceLocation)
        try await readSide.rebuild(ProfilesProjection.name, mode: .offline)
        #expect(try await ProfilesProjection.rows(in: database) == live, "a rebuild equals live following", sourceLocation: sourceLocation)

        // Bob's data is intact, byte for byte, stored and read.
        #expect(try await database.storedEvents(ofEntity: "p2") == bobStoredBefore, sourceLocation: sourceLocation)
        #expect(try await database.readStream(Self.profile("p2")) == bobReadBefore, sourceLocation: sourceLocation)

        // Nothing of alice's data, or her key, is left in the database.
        let dumpAfter = try await dump()
        expectAbsent(alice.all + [aliceKey ?? "no key"], from: dumpAfter, "after forgetting", sourceLocation: sourceLocation)
        expectPresent([bob.name, bob.city], in: dumpAfter, "bob's read row and snapshot", sourceLocation: sourceLocation)

        // The audit says who and when, and nothing else.
        let audit = try await database.forgottenSubjects()
        #expect(audit.map(\.subject) == ["1"] && audit.map(\.actor) == ["privacy-officer"], sourceLocation: sourceLocation)
        let status = try await database.retentionStatus()
        #expect(status.forgottenSubjects == 1 && status.subjectKeys == 1, "\(status)", sourceLocation: sourceLocation)

        // Forgetting again, or someone unknown, writes nothing and says so.
        let head = try await database.headPosition()
        for subject in ["1", "nobody"] {
            let again = try await database.forget(subject: subject, by: "privacy-officer", appending: nil)
            #expect(!again.wasKnown && again.position == nil && again.summary.contains("has no key"), "\(again.summary)", sourceLocation: sourceLocation)
        }
        #expect(try await database.headPosition() == head, "nothing appended", sourceLocation: sourceLocation)
        #expect(try await database.forgottenSubjects().count == 1, "no audit row", sourceLocation: sourceLocation)

        // A forgotten subject who comes back gets a new key; the old data stays forgotten.
        try await register(Markers(owner: 1), profile: "p4", in: store)
        #expect(try await database.readStream(Self.profile("p4"))[0].decode(as: ProfileRegistered.self).name == alice.name, sourceLocation: sourceLocation)
        #expect(try await database.readStream(Self.profile("p1"))[0].decode(as: ProfileRegistered.self).name == "(forgotten)", sourceLocation: sourceLocation)
    }

    func upcastsDecryptedDataThenTheForgottenValue() async throws {
        let alice = Markers(owner: 1)
        try await register(alice, profile: "p1", in: database)
        let before = try await database.readStream(Self.profile("p1"))[0].decode(as: ProfileRegistered.self)
        #expect(before.shout == alice.name.uppercased(), sourceLocation: sourceLocation)
        // An upcasting migration cannot show an upcaster decrypted data: it leaves the event as
        // stored, upcast on read.
        let migration = try await database.runUpcastMigration("profiles-v2")
        #expect(migration.rewritten == 0 && migration.encryptedLeft == 1, "\(migration)", sourceLocation: sourceLocation)
        #expect(try await database.storedEvents(ofEntity: "p1")[0].schemaVersion == 1, sourceLocation: sourceLocation)
        try await database.forget(subject: "1", by: nil, appending: nil)
        let after = try await wholeLog()[0].decode(as: ProfileRegistered.self)
        #expect(after.shout == "(FORGOTTEN)", sourceLocation: sourceLocation)
        // Read once before forgetting; after, as often as the log was polled.
        let seen = witness.names
        #expect(seen.first == alice.name && seen.count > 1 && seen.dropFirst().allSatisfy { $0 == "(forgotten)" }, "\(seen)", sourceLocation: sourceLocation)
    }

    func refusesAPersonalFieldWithoutItsSubject() async throws {
        let stream = Self.profile("p1")
        let noOwner = NewEvent(eventType: ProfileRegistered.eventType, schemaVersion: 2, data: Data(#"{"name":"secret-7c1d","shout":"x"}"#.utf8))
        let error = await #expect(throws: EventStoreError.self, sourceLocation: sourceLocation) {
            try await database.append([noOwner], to: stream, expected: .noEvents)
        }
        #expect(error?.code == .invalidInput && error?.message.contains("ownerID") == true, "\(String(describing: error))", sourceLocation: sourceLocation)
        let noActor = try NewEvent(NoteWritten(text: "secret-7c1d", words: 1))
        let actorError = await #expect(throws: EventStoreError.self, sourceLocation: sourceLocation) {
            try await database.append([noActor], to: stream, expected: .noEvents)
        }
        #expect(actorError?.code == .invalidInput && actorError?.message.contains("actor") == true, sourceLocation: sourceLocation)
        let tooLarge = ProfileRegistered.version1(owner: 1, name: String(repeating: "x", count: 5_000_000), street: "", city: "", age: 1)
        await #expect(throws: EventStoreError.self, sourceLocation: sourceLocation) {
            try await database.append([tooLarge], to: stream, expected: .noEvents)
        }
        #expect(try await database.headPosition() == 0, "nothing appended", sourceLocation: sourceLocation)
        #expect(try await database.retentionStatus().subjectKeys == 0, "no key made for refused input", sourceLocation: sourceLocation)
        expectAbsent(["secret-7c1d"], from: try await dump(), "refused input", sourceLocation: sourceLocation)
    }

    func refusesAnotherMasterKey() async throws {
        try await register(Markers(owner: 1), profile: "p1", in: database)
        let stored = try await database.storedEvents(ofEntity: "p1")
        let other = try PersonalDataCipher(
            eventTypes: [ProfileRegistered.self, NoteWritten.self], masterKey: try LocalMasterKey(base64: LocalMasterKey.generate()))
        let error = await #expect(throws: PersonalDataError.self, sourceLocation: sourceLocation) {
            try await other.open(stored, keys: database)
        }
        #expect(error?.description.contains("master key") == true, "\(String(describing: error))", sourceLocation: sourceLocation)
        #expect(try await cipher.open(stored, keys: database).count == 2, "the right key opens them", sourceLocation: sourceLocation)
    }

    // MARK: Masking

    func masksStoredPlaintextResumably() async throws {
        let alice = Markers(owner: 1)
        let bob = Markers(owner: 2)
        let readSide = helpers.makeReadSide(async: [ProfilesProjection()])
        try await readSide.migrate()
        for index in 0..<3 {
            try await register(alice, profile: "a\(index)", in: database)
            try await register(bob, profile: "b\(index)", in: database)
        }
        // The upcasting migration's audit keeps the version 1 data, alice's plaintext with it.
        try await database.runUpcastMigration("profiles-v2")
        try await database.saveSnapshot(Snapshot(stream: Self.profile("a0"), version: 2, schema: "profile-1", state: Data(#"{"n":"\#(alice.name)"}"#.utf8)))
        try await database.saveSnapshot(Snapshot(stream: Self.profile("b0"), version: 2, schema: "profile-1", state: Data(#"{"n":"\#(bob.name)"}"#.utf8)))
        try await helpers.running(readSide) { try await self.helpers.waitUntilCaughtUp(readSide, ProfilesProjection.name) }
        expectPresent(alice.all, in: try await dump(), "plaintext before masking", sourceLocation: sourceLocation)

        let rules = [
            MaskingRule(ProfileRegistered.self, fields: [
                PersonalField("name", of: .field("ownerID"), forgotten: "(masked)"),
                PersonalField("address", of: .field("ownerID"), forgotten: nil),
                PersonalField("age", of: .field("ownerID"), forgotten: nil),
                PersonalField("shout", of: .field("ownerID"), forgotten: "(MASKED)"),
            ]),
            MaskingRule(NoteWritten.self, fields: [PersonalField("text", of: .actor, forgotten: "(masked)")]),
        ]
        struct Interrupted: Error {}
        await #expect(throws: Interrupted.self, sourceLocation: sourceLocation) {
            try await database.maskEvents(subject: "1", rules: rules, batchSize: 2) { _ in throw Interrupted() }
        }
        let first = try await database.storedEvents(matching: EventLogQuery(limit: 100)).filter { text($0.data).contains("(masked)") }
        #expect(first.count >= 1 && first.count <= 2, "the first batch was committed: \(first.count)", sourceLocation: sourceLocation)
        let resumed = try await database.maskEvents(subject: "1", rules: rules, batchSize: 2)
        #expect(!resumed.wasFinished && resumed.masked + first.count == 6, "\(resumed) after \(first.count)", sourceLocation: sourceLocation)
        let again = try await database.maskEvents(subject: "1", rules: rules, batchSize: 2)
        #expect(again.wasFinished && again.masked == 0, "\(again)", sourceLocation: sourceLocation)

        let aliceEvents = try await database.readStream(Self.profile("a1"))
        #expect(try aliceEvents[0].decode(as: ProfileRegistered.self).name == "(masked)", sourceLocation: sourceLocation)
        #expect(try aliceEvents[1].decode(as: NoteWritten.self).text == "(masked)", sourceLocation: sourceLocation)
        #expect(try await database.readStream(Self.profile("b1"))[0].decode(as: ProfileRegistered.self).name == bob.name, sourceLocation: sourceLocation)
        #expect(try await database.snapshot(of: Self.profile("a0")) == nil, sourceLocation: sourceLocation)
        #expect(try await database.snapshot(of: Self.profile("b0")) != nil, sourceLocation: sourceLocation)

        try await readSide.rebuild(ProfilesProjection.name, mode: .offline)
        let rows = try await ProfilesProjection.rows(in: database)
        #expect(rows.filter { $0.ownerID == "1" }.allSatisfy { $0.name == "(masked)" && $0.city == nil }, "\(rows)", sourceLocation: sourceLocation)
        let after = try await dump()
        expectAbsent(alice.all + [alice.name.uppercased()], from: after, "after masking and a rebuild", sourceLocation: sourceLocation)
        expectPresent([bob.name, bob.street, bob.note], in: after, "bob's data", sourceLocation: sourceLocation)
    }

    // MARK: Archiving and deleting

    func archivesAnEntityOutOfTheLog() async throws {
        let alice = Markers(owner: 1)
        let bob = Markers(owner: 2)
        let readSide = helpers.makeReadSide(async: [ProfilesProjection()])
        try await readSide.migrate()
        try await register(alice, profile: "p1", in: database)
        try await register(bob, profile: "p2", in: database)
        try await database.saveSnapshot(Snapshot(stream: Self.profile("p1"), version: 2, schema: "profile-1", state: Data("{}".utf8)))
        try await helpers.running(readSide) { try await self.helpers.waitUntilCaughtUp(readSide, ProfilesProjection.name) }
        let before = try await database.readStream(Self.profile("p1"))

        let archived = try await database.archive(Self.profile("p1"), by: "operator", appending: nil)
        #expect(archived.events == 2, sourceLocation: sourceLocation)
        let log = try await wholeLog()
        #expect(!log.contains { $0.stream.entityID == "p1" && $0.eventType != StreamArchived.eventType }, "gone from the log", sourceLocation: sourceLocation)
        let closing = try #require(log.last, sourceLocation: sourceLocation)
        #expect(closing.eventType == StreamArchived.eventType && closing.stream == StreamName(entityType: StreamArchived.entityType, entityID: "p1")
                && closing.version == 3, "\(log.map { "\($0.position) \($0.stream) \($0.version) \($0.eventType)" })", sourceLocation: sourceLocation)
        #expect(try closing.decode(as: StreamArchived.self) == StreamArchived(entityType: Profile.entityType, entityID: "p1", events: 2), sourceLocation: sourceLocation)
        #expect(try await database.readStream(Self.profile("p1")).isEmpty, sourceLocation: sourceLocation)
        #expect(try await database.archivedEvents(ofEntity: "p1") == before, "readable on purpose, decrypted and upcast", sourceLocation: sourceLocation)
        #expect(try await database.archivedEvents(after: 0, limit: 10) == before, sourceLocation: sourceLocation)
        #expect(try await database.snapshot(of: Self.profile("p1")) == nil, sourceLocation: sourceLocation)

        let refused = await #expect(throws: EventStoreError.self, sourceLocation: sourceLocation) {
            try await database.append([try NewEvent(NoteWritten(text: "late", words: 1), metadata: EventMetadata(actor: "1"))], to: Self.profile("p1"), expected: .any)
        }
        #expect(refused?.code == .entityClosed && refused?.message.contains("archived") == true, "\(String(describing: refused))", sourceLocation: sourceLocation)
        let again = await #expect(throws: EventStoreError.self, sourceLocation: sourceLocation) { try await database.archive(Self.profile("p1"), by: nil, appending: nil) }
        #expect(again?.code == .entityClosed, sourceLocation: sourceLocation)
        let unknown = await #expect(throws: EventStoreError.self, sourceLocation: sourceLocation) { try await database.archive(Self.profile("none"), by: nil, appending: nil) }
        #expect(unknown?.code == .entityNotFound, sourceLocation: sourceLocation)

        try await helpers.running(readSide) { try await self.helpers.waitUntilCaughtUp(readSide, ProfilesProjection.name) }
        let live = try await ProfilesProjection.rows(in: database)
        #expect(live.map(\.profileID) == ["p2"], "the projection dropped the archived row: \(live)", sourceLocation: sourceLocation)
        try await readSide.rebuild(ProfilesProjection.name, mode: .offline)
        #expect(try await ProfilesProjection.rows(in: database) == live, "a rebuild equals live following", sourceLocation: sourceLocation)
        #expect(try await database.retentionStatus().archivedEvents == 2, sourceLocation: sourceLocation)

        // Archived personal data is forgotten like any other.
        try await database.forget(subject: "1", by: nil, appending: nil)
        let forgotten = try await database.archivedEvents(ofEntity: "p1")
        #expect(try forgotten[0].decode(as: ProfileRegistered.self).name == "(forgotten)", sourceLocation: sourceLocation)
        expectAbsent(alice.all, from: try await dump(), "archived, then forgotten", sourceLocation: sourceLocation)
    }

    func deletesAnEntityBehindATombstone() async throws {
        let readSide = helpers.makeReadSide(async: [ProfilesProjection()])
        try await readSide.migrate()
        try await register(Markers(owner: 1), profile: "p1", in: database)
        try await register(Markers(owner: 2), profile: "p2", in: database)
        try await register(Markers(owner: 3), profile: "p3", in: database)
        try await helpers.running(readSide) { try await self.helpers.waitUntilCaughtUp(readSide, ProfilesProjection.name) }

        let deleted = try await database.delete(Self.profile("p2"), by: "operator", appending: nil)
        #expect(deleted.events == 2, sourceLocation: sourceLocation)
        #expect(try await database.storedEvents(ofEntity: "p2").map(\.eventType) == [StreamDeleted.eventType], "only the tombstone", sourceLocation: sourceLocation)
        let refused = await #expect(throws: EventStoreError.self, sourceLocation: sourceLocation) {
            try await database.append(
                [ProfileRegistered.version1(owner: 2, name: "again", street: "", city: "", age: 1)], to: Self.profile("p2"), expected: .noEvents)
        }
        #expect(refused?.code == .entityClosed && refused?.message.contains("deleted") == true, "\(String(describing: refused))", sourceLocation: sourceLocation)

        // An archived entity can be deleted too: its archived events go.
        try await database.archive(Self.profile("p3"), by: nil, appending: nil)
        let gone = try await database.delete(Self.profile("p3"), by: nil, appending: nil)
        #expect(gone.events == 2, sourceLocation: sourceLocation)
        #expect(try await database.archivedEvents(ofEntity: "p3").isEmpty, sourceLocation: sourceLocation)
        #expect(try await database.storedEvents(ofEntity: "p3").map(\.eventType) == [StreamArchived.eventType, StreamDeleted.eventType], sourceLocation: sourceLocation)
        try await helpers.running(readSide) { try await self.helpers.waitUntilCaughtUp(readSide, ProfilesProjection.name) }
        let live = try await ProfilesProjection.rows(in: database)
        #expect(live.map(\.profileID) == ["p1"], "\(live)", sourceLocation: sourceLocation)
        expectAbsent(Markers(owner: 2).all + Markers(owner: 3).all, from: try await dump(), "deleted, and dropped by the projection", sourceLocation: sourceLocation)
        try await readSide.rebuild(ProfilesProjection.name, mode: .offline)
        #expect(try await ProfilesProjection.rows(in: database) == live, "a rebuild equals live following", sourceLocation: sourceLocation)
        #expect(try await database.retentionStatus().deletedEntities == 2, sourceLocation: sourceLocation)
    }

    func appliesSystemEventsInline() async throws {
        let readSide = helpers.makeReadSide(inline: [ProfilesProjection()])
        try await readSide.migrate()
        try await register(Markers(owner: 1), profile: "p1", in: readSide.eventStore)
        try await register(Markers(owner: 2), profile: "p2", in: readSide.eventStore)

        let skipped = await #expect(throws: EventStoreError.self, sourceLocation: sourceLocation) {
            try await database.forget(subject: "1", by: nil, appending: nil)
        }
        #expect(skipped?.code == .bypassesInlineProjection, "\(String(describing: skipped))", sourceLocation: sourceLocation)
        #expect(try await database.retentionStatus().forgottenSubjects == 0, "nothing forgotten", sourceLocation: sourceLocation)

        try await database.forget(subject: "1", by: nil, appending: readSide.systemEventAppend)
        #expect(try await ProfilesProjection.rows(in: database).map(\.name) == ["(forgotten)", Markers(owner: 2).name],
                "the row changed with the forgetting, at once", sourceLocation: sourceLocation)
        try await database.delete(Self.profile("p2"), by: nil, appending: readSide.systemEventAppend)
        #expect(try await ProfilesProjection.rows(in: database).map(\.profileID) == ["p1"], sourceLocation: sourceLocation)
        try await readSide.rebuild(ProfilesProjection.name, mode: .offline)
        #expect(try await ProfilesProjection.rows(in: database).map(\.name) == ["(forgotten)"], "a rebuild agrees", sourceLocation: sourceLocation)
    }
}
