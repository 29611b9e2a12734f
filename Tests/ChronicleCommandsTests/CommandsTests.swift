import Foundation
import Testing
import TestSupport

/// The mounted commands, run as an executable against SQLite and PostgreSQL: output and exit codes.
@Suite struct CommandsTests {
    @Test(arguments: Driver.available)
    func migrateSeedStatusRebuild(_ driver: Driver) async throws {
        try await driver.withFixture { fixture in
            let unmigrated = try await fixture.run("status")
            #expect(unmigrated.status == 3, "\(unmigrated)")
            #expect(unmigrated.output.isEmpty, "\(unmigrated)")
            #expect(unmigrated.errors.contains("pending migration(s), from 1 (create_events): run migrate."), "\(unmigrated)")

            let migrated = try await fixture.run("migrate")
            #expect(migrated.status == 0, "\(migrated)")
            #expect(
                migrated.lines == [
                    "Applied store migration 1 (create_events)",
                    "Applied store migration 2 (create_snapshots)",
                    "Applied store migration 3 (create_projections_and_reactors)",
                    "Applied store migration 4 (create_upcast_migrations)",
                    "Applied store migration 5 (prefix_store_tables)",
                    "Applied store migration 6 (create_parked_events)",
                    "Applied store migration 7 (record_projection_tables)",
                    "Applied store migration 8 (create_write_checks)",
                    "Created projection counters",
                    "Created projection increments",
                    "Registered reactor milestones after position 0",
                ], "\(migrated)")
            let again = try await fixture.run("migrate")
            #expect(again.status == 0 && again.lines == ["Nothing to migrate: the store, projections and reactors are up to date."], "\(again)")

            let seeded = try await fixture.run("seed", "--counters", "2", "--increments", "3")
            #expect(seeded.status == 0, "\(seeded)")

            let behind = try await fixture.run("status")
            #expect(behind.status == 0, "\(behind)")
            #expect(
                behind.output == """
                    Head position: 6

                    PROJECTION  MODE    VERSION  CHECKPOINT  LAG  STATE  LAST ERROR
                    counters    inline  1        -           -    live
                    increments  async   1        0           6    live

                    REACTOR     REGISTERED AFTER  CHECKPOINT  LAG  LAST ERROR
                    milestones  0                 0           6

                    """, "\(behind)")

            let rebuilt = try await fixture.run("rebuild", "increments")
            #expect(rebuilt.status == 0, "\(rebuilt)")
            #expect(rebuilt.lines.count == 1 && rebuilt.output.hasPrefix("Rebuilt increments offline: 6 events replayed in "), "\(rebuilt)")
            // Standard error is not a terminal here: progress comes as log lines, the last at 100%.
            let progress = rebuilt.errors.split(separator: "\n")
            #expect(progress.first?.hasPrefix("rebuild increments: 5 of 6 (83%), ") == true, "\(rebuilt)")
            #expect(progress.last?.hasPrefix("rebuild increments: 6 of 6 (100%), ") == true, "\(rebuilt)")

            let current = try await fixture.run("status", "--json")
            #expect(current.status == 0, "\(current)")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(current.output.utf8)) as? [String: Any])
            #expect(document["head"] as? Int == 6)
            let projections = try #require(document["projections"] as? [[String: Any]])
            #expect(projections.map { $0["name"] as? String } == ["counters", "increments"])
            #expect(projections[1]["checkpoint"] as? Int == 6 && projections[1]["lag"] as? Int == 0, "\(current)")
            #expect(projections[1]["state"] as? String == "live" && projections[1]["mode"] as? String == "async", "\(current)")
            let reactors = try #require(document["reactors"] as? [[String: Any]])
            #expect(reactors.first?["name"] as? String == "milestones" && reactors.first?["lag"] as? Int == 6, "rebuilds run no reactor")
        }
    }

    @Test(arguments: Driver.available)
    func listsAndFiltersEvents(_ driver: Driver) async throws {
        try await driver.withFixture { fixture in
            _ = try await fixture.run("migrate")
            _ = try await fixture.run("seed", "--counters", "2", "--increments", "3")

            let all = try await fixture.run("events")
            #expect(all.status == 0 && all.lines.count == 6, "\(all)")
            let pattern = #/^1  \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z  counter/c1 #1  counter\.incremented v1  \{"amount":11\}$/#
            #expect(all.lines.first?.wholeMatch(of: pattern) != nil, "\(all)")
            #expect(all.lines.map { $0.split(separator: " ").first.map(String.init) } == ["1", "2", "3", "4", "5", "6"])

            let entity = try await fixture.run("events", "--entity", "counter/c2")
            #expect(entity.status == 0, "\(entity)")
            #expect(entity.lines.map { $0.hasSuffix(#"{"amount":12}"#) || $0.hasSuffix(#"{"amount":22}"#) || $0.hasSuffix(#"{"amount":32}"#) } == [true, true, true], "\(entity)")
            #expect(entity.lines.allSatisfy { $0.contains("counter/c2 #") }, "\(entity)")

            let window = try await fixture.run("events", "--after", "3", "--limit", "2")
            #expect(window.lines.map { $0.split(separator: " ").first.map(String.init) } == ["4", "5"], "\(window)")
            let last = try await fixture.run("events", "--last", "2")
            #expect(last.lines.map { $0.split(separator: " ").first.map(String.init) } == ["5", "6"], "\(last)")
            let otherType = try await fixture.run("events", "--type", "meeting.scheduled")
            #expect(otherType.status == 0 && otherType.output.isEmpty, "\(otherType)")
            let byType = try await fixture.run("events", "--type", "counter.incremented", "--entity-type", "counter", "--limit", "4")
            #expect(byType.lines.count == 4, "\(byType)")

            let json = try await fixture.run("events", "--json", "--entity", "counter/c1", "--limit", "1")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any], "\(json)")
            #expect(object["position"] as? Int == 1 && object["version"] as? Int == 1)
            #expect(object["entity_type"] as? String == "counter" && object["entity_id"] as? String == "c1")
            #expect(object["event_type"] as? String == "counter.incremented" && object["schema_version"] as? Int == 1)
            #expect((object["data"] as? [String: Any])?["amount"] as? Int == 11)
            #expect((object["meta"] as? [String: Any])?["causation_id"] is String, "the command's id")
            #expect(UUID(uuidString: object["id"] as? String ?? "") != nil)
        }
    }

    @Test(arguments: Driver.available)
    func rebuildsAChangedProjectionOnline(_ driver: Driver) async throws {
        try await driver.withFixture { fixture in
            _ = try await fixture.run("migrate")
            _ = try await fixture.run("seed")

            let changed = try await fixture.run("status", "--increments-version", "2")
            #expect(changed.status == 3, "\(changed)")
            #expect(changed.lines.contains { $0.hasPrefix("increments  async   2 (built 1)  0           6    needs rebuild") }, "\(changed)")

            let rebuilt = try await fixture.run("rebuild", "increments", "--online", "--quiet", "--increments-version", "2")
            #expect(rebuilt.status == 0 && rebuilt.errors.isEmpty, "\(rebuilt)")
            #expect(rebuilt.output.hasPrefix("Rebuilt increments online: 6 events replayed in "), "\(rebuilt)")

            let current = try await fixture.run("status", "--increments-version", "2")
            #expect(current.status == 0, "\(current)")
            #expect(current.lines.contains { $0.hasPrefix("increments  async   2        6           0    live") }, "\(current)")

            let all = try await fixture.run("rebuild", "--all", "--quiet", "--increments-version", "2")
            #expect(all.status == 0, "\(all)")
            #expect(all.lines.map { $0.components(separatedBy: " in ").first } == [
                "Rebuilt counters offline: 6 events replayed", "Rebuilt increments offline: 6 events replayed",
            ], "\(all)")
        }
    }

    @Test(arguments: Driver.available)
    func readsAndRewritesOldEvents(_ driver: Driver) async throws {
        try await driver.withFixture { fixture in
            _ = try await fixture.run("migrate")
            let seeded = try await fixture.run("seed", "--legacy", "3", "--increments", "0")
            #expect(seeded.status == 0, "\(seeded)")
            let upcast = try await fixture.run("events", "--entity", "counter/legacy")
            #expect(upcast.lines.map { $0.components(separatedBy: "  ").suffix(2).joined(separator: "  ") } == [
                #"counter.incremented v1  {"amount":1}"#, #"counter.incremented v1  {"amount":2}"#, #"counter.incremented v1  {"amount":3}"#,
            ], "read at the current version: \(upcast)")

            let rewritten = try await fixture.run("migrate", "--upcast", "counters-2026")
            #expect(rewritten.status == 0, "\(rewritten)")
            #expect(rewritten.lines == ["Upcasting migration counters-2026: rewrote 3 events; 0 split events left as stored."], "\(rewritten)")
            #expect(try await fixture.run("events", "--entity", "counter/legacy").lines == upcast.lines, "the same events after the rewrite")
            let again = try await fixture.run("migrate", "--upcast", "counters-2026")
            #expect(again.lines == ["Upcasting migration counters-2026 finished before: nothing to rewrite."], "\(again)")
        }
    }

    @Test(arguments: Driver.available)
    func refusesBadArgumentsWithUsageErrors(_ driver: Driver) async throws {
        try await driver.withFixture { fixture in
            _ = try await fixture.run("migrate")
            let cases: [([String], String)] = [
                (["rebuild"], "Name the projections to rebuild, or pass --all."),
                (["rebuild", "--all", "counters"], "Name projections or pass --all, not both."),
                (["rebuild", "--discard", "--online", "increments"], "--discard drops an online rebuild and takes no --online."),
                (["rebuild", "counters", "nope"], #"No projection is named "nope". Known: counters, increments."#),
                (["events", "--entity", "c1"], "--entity takes an entity type and id, such as meeting/42."),
                (["events", "--after", "1", "--last", "1"], "Pass --after or --last, not both."),
                (["events", "--limit", "0"], "--limit takes a count of 1 or more."),
            ]
            for (arguments, message) in cases {
                let run = try await Fixture.run(arguments + fixture.databaseArguments)
                #expect(run.status == 64, "\(arguments): \(run)")
                #expect(run.errors.contains(message), "\(arguments): \(run)")
                #expect(run.output.isEmpty, "\(arguments): \(run)")
            }
            // Nothing was rebuilt by the refused command naming one known and one unknown projection.
            let status = try await fixture.run("status", "--json")
            #expect(status.status == 0, "\(status)")
        }
    }

    @Test(arguments: Driver.available)
    func failsWithAMessageAndExitCodeOne(_ driver: Driver) async throws {
        try await driver.withFixture { fixture in
            _ = try await fixture.run("migrate")
            let discard = try await fixture.run("rebuild", "--discard", "increments")
            #expect(discard.status == 1, "\(discard)")
            #expect(discard.errors == "error: no rebuild in progress: No online rebuild of increments is under way.\n", "\(discard)")
        }
        let unopenable = try await Fixture.run(["status", "--database", "/nonexistent/directory/fixture.sqlite"])
        #expect(unopenable.status == 1, "\(unopenable)")
        #expect(unopenable.errors.hasPrefix("error: "), "\(unopenable)")
    }
}
