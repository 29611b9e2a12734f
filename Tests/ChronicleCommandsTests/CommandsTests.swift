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
            // One line, naming the database (SQLite: the missing file) and the command that sets it up.
            let expected = driver == .sqlite
                ? "Error: No SQLite database exists at \(fixture.databaseArguments[1]) (and this store does not create one). Run `chronicle-fixture migrate` first.\n"
                : "Error: The store's schema has 13 pending migration(s), from 1 (create_events). Run `chronicle-fixture migrate` first.\n"
            #expect(unmigrated.errors == expected, "\(unmigrated)")

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
                    "Applied store migration 9 (index_events_for_browsing)",
                    "Applied store migration 10 (create_personal_data)",
                    "Applied store migration 11 (create_leases)",
                    "Applied store migration 12 (create_partition_checkpoints)",
                    "Applied store migration 13 (record_projection_partitions)",
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

                    PROJECTION  MODE    VERSION  CHECKPOINT  LAG  STATE  PARKED  LAST ERROR
                    counters    inline  1        -           -    live
                    increments  async   1        0           6    live

                    REACTOR     REGISTERED AFTER  CHECKPOINT  LAG  STATE  PARKED  LAST ERROR
                    milestones  0                 0           6    live

                    Personal data: 0 subject(s) forgotten, 0 with a key; 0 event(s) of 0 entities archived; 0 entities deleted.

                    """, "\(behind)")

            let rebuilt = try await fixture.run("rebuild", "increments")
            #expect(rebuilt.status == 0, "\(rebuilt)")
            #expect(rebuilt.lines.count == 1 && rebuilt.output.hasPrefix("Rebuilt increments offline: 6 events replayed in "), "\(rebuilt)")
            // Standard error is not a terminal here: progress comes as log lines, the last at 100%.
            // A batch of 5, then the last event. On PostgreSQL, other tests' transactions on the
            // cluster may hold events back: the rebuild then waits, says so in a warning, and its
            // batches may be split further.
            let progress = rebuilt.errors.split(separator: "\n").filter { !$0.contains(" warning chronicle-fixture: ") }
            let reached = progress.compactMap { line in
                line.wholeMatch(of: /rebuild increments: (\d) of 6 \(\d+%\), .*/).flatMap { Int($0.1) }
            }
            #expect(reached.count == progress.count && reached == reached.sorted() && reached.last == 6, "\(rebuilt)")
            #expect(driver == .postgres || reached == [5, 6], "\(rebuilt)")
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
            // Positions have gaps where appends were refused (on PostgreSQL): --last counts events.
            _ = try await fixture.run("seed", "--counters", "1", "--increments", "0", "--refused", "30")
            _ = try await fixture.run("seed", "--counters", "2", "--increments", "1")
            let lastAfterGaps = try await fixture.run("events", "--last", "4")
            #expect(lastAfterGaps.lines.count == 4, "\(lastAfterGaps)")
            #expect(lastAfterGaps.lines.first?.hasPrefix("5 ") == true && lastAfterGaps.lines.last?.contains("c2 #4") == true, "\(lastAfterGaps)")
            let lastOfAType = try await fixture.run("events", "--last", "1", "--entity", "counter/c1")
            #expect(lastOfAType.lines.count == 1 && lastOfAType.lines[0].contains("c1 #4"), "\(lastOfAType)")
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
            // Other tests share the PostgreSQL cluster: while their transactions are open the
            // rebuild may wait for committed events, and says so. Nothing else may be printed.
            let errors = rebuilt.errors.split(separator: "\n").filter { !$0.contains("Rebuild waits for committed events held back") }
            #expect(rebuilt.status == 0 && errors.isEmpty, "\(rebuilt)")
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
            #expect(discard.errors == "Error: No online rebuild of increments is under way.\n", "one prefix, one sentence: \(discard)")
        }
        let unopenable = try await Fixture.run(["status", "--database", "/nonexistent/directory/fixture.sqlite"])
        #expect(unopenable.status == 3, "\(unopenable)")
        #expect(unopenable.errors.hasPrefix("Error: ") && !unopenable.errors.contains("Error: error"), "\(unopenable)")
    }

    @Test func readOnlyCommandsNeverCreateADatabase() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chronicle-commands-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("typo.sqlite").path
        for command in [["status"], ["events"], ["rebuild", "--all"], ["projections", "parked"], ["projections", "retry", "increments"]] {
            let run = try await Fixture.run(command + ["--database", path])
            #expect(run.status == (command == ["status"] ? 3 : 1), "\(command): \(run)")
            #expect(
                run.errors == "Error: No SQLite database exists at \(path) (and this store does not create one). Run `chronicle-fixture migrate` first.\n",
                "\(command): \(run)")
            #expect(!FileManager.default.fileExists(atPath: path), "\(command) created no file")
        }
        #expect(try await Fixture.run(["migrate", "--database", path]).status == 0)
        #expect(FileManager.default.fileExists(atPath: path), "migrate creates it")
        let unknown = try await Fixture.run(["migrate", "--upcast", "no-such-migration", "--database", path])
        #expect(unknown.status == 64 && unknown.errors == "Error: No upcasting migration is named \"no-such-migration\". Known: counters-2026.\n", "\(unknown)")
    }

    @Test(arguments: Driver.available)
    func operatorsRetryAndSkipParkedEvents(_ driver: Driver) async throws {
        try await driver.withFixture { fixture in
            _ = try await fixture.run("migrate")
            _ = try await fixture.run("seed", "--counters", "2", "--increments", "3")
            // The increments projection fails at the increment of 21 (position 3), twice, and parks it.
            let followed = try await fixture.run("follow", "--until-caught-up", "--seconds", "60", "--poison-amount", "21")
            #expect(followed.status == 0, "\(followed)")
            let degraded = try await fixture.run("status")
            #expect(degraded.status == 3, "\(degraded)")
            #expect(degraded.lines.contains { $0.hasPrefix("increments  async   1        6           0    degraded  1") }, "\(degraded)")
            let parked = try await fixture.run("projections", "parked")
            #expect(parked.status == 0 && parked.lines.count == 2, "\(parked)")
            #expect(parked.lines.last?.hasPrefix("increments  3         parked  2         counter.incremented  counter/c1  ") == true, "\(parked)")
            #expect(parked.lines.last?.contains("cannot count an increment of 21") == true, "\(parked)")

            let stillFailing = try await fixture.run("projections", "retry", "increments", "--actor", "ops:ada", "--poison-amount", "21")
            #expect(stillFailing.status == 1, "\(stillFailing)")
            #expect(stillFailing.errors.hasPrefix("Error: event 3 failed again and stays parked: "), "\(stillFailing)")
            let retried = try await fixture.run("projections", "retry", "increments", "--actor", "ops:ada")
            #expect(retried.status == 0 && retried.lines == ["Retried event 3 of increments."], "\(retried)")
            #expect(try await fixture.run("status").status == 0, "live again")

            _ = try await fixture.run("seed", "--counters", "2", "--increments", "1")
            _ = try await fixture.run("follow", "--until-caught-up", "--seconds", "60", "--poison-amount", "12")
            let notParked = try await fixture.run("projections", "skip", "increments", "--event", "7", "--actor", "ops:ada")
            #expect(notParked.status == 1 && notParked.errors.contains("Event 7 is neither parked by increments nor where it is stopped. Parked: 8."), "\(notParked)")
            let skipped = try await fixture.run("projections", "skip", "increments", "--event", "8", "--actor", "ops:ada")
            #expect(skipped.status == 0 && skipped.lines == ["Skipped event 8 of increments."], "\(skipped)")
            #expect(try await fixture.run("status").status == 0)
            let audit = try await fixture.run("projections", "parked", "increments")
            #expect(audit.lines.dropFirst().map { $0.split(separator: " ", omittingEmptySubsequences: true).prefix(5).joined(separator: " ") } == [
                "increments 3 retried by ops:ada", "increments 8 skipped by ops:ada",
            ], "\(audit)")

            let unknown = try await fixture.run("projections", "retry", "nope")
            #expect(unknown.status == 64 && unknown.errors.hasPrefix("Error: No projection or reactor is named \"nope\"."), "\(unknown)")
        }
    }
}
