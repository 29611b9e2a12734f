import Chronicle
import Foundation
import HTTPTypes
@testable import MeetingsServer
import TestSupport
import Testing

/// Users forget themselves (`DELETE /users/{id}/personal-data`), and operators archive finished
/// meetings (`meetings archive`), on both databases.
@Suite("Meetings: personal data")
struct PersonalDataTests {
    /// Ada's words, which must be gone everywhere once she is forgotten.
    static let adaTitle = "Ada's salary review 7f3c"
    static let adaReason = "Ada is on sick leave 91be"
    /// Grace's, which must stay.
    static let graceTitle = "Grace's compiler demo 2d8a"

    @Test(arguments: Backend.available)
    func forgettingAUserBlanksTheirDataEverywhere(_ backend: Backend) async throws {
        try await backend.withDatabase { url in
            let clock = TestClock(Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)))
            let before = try await TestServer.serve(url, clock: clock) { server in
                let review = try await server.schedule(by: 1, inviting: [2, 3], title: Self.adaTitle)
                let cancelled = try await server.schedule(by: 1, inviting: [2], title: Self.adaTitle + " (old)")
                try await server.send(.post, "/meetings/\(cancelled)/cancel", as: 1, json: #"{"reason": "\#(Self.adaReason)"}"#)
                try await server.send(.post, "/meetings/\(review)/accept", as: 2)
                let demo = try await server.schedule(by: 2, inviting: [1, 3], title: Self.graceTitle)
                try await server.send(.post, "/meetings/\(demo)/accept", as: 1)
                try await server.waitForReadSide()
                let graceBefore = try await server.send(.get, "/meetings/\(demo)/history", as: 2).body

                let others = try await server.send(.delete, "/users/2/personal-data", as: 1)
                #expect(others.status == .forbidden && others.errorCode == "not_your_data", "\(others)")
                let forgotten = try await server.send(.delete, "/users/1/personal-data", as: 1)
                #expect(forgotten.status == .ok && forgotten.json["forgotten"] == true, "\(forgotten)")
                #expect(forgotten.headers[.init("Chronicle-Position")!] != nil, "\(forgotten)")
                try await server.waitForReadSide()

                // The API, the history and the read tables behind the page.
                let meeting = try await server.send(.get, "/meetings/\(review)", as: 3)
                #expect(meeting.json["title"] == "(forgotten)", "\(meeting)")
                let history = try await server.send(.get, "/meetings/\(cancelled)/history", as: 1)
                #expect(history.body.contains("(forgotten)") && !history.body.contains("Ada's"), "\(history)")
                let agenda = try await server.send(.get, "/users/3/agenda", as: 3)
                #expect(!agenda.body.contains("Ada's") && agenda.body.contains(Self.graceTitle), "\(agenda)")
                let activity = try await server.send(.get, "/activity", as: 2)
                #expect(!activity.body.contains("Ada's") && activity.body.contains("cancelled “(forgotten)”: (forgotten)"), "\(activity)")
                #expect(try await server.send(.get, "/meetings/\(demo)/history", as: 2).body == graceBefore, "Grace's data is untouched")

                // The feed.
                let feed = try await server.send(.get, "/feed/events?after=0&limit=100", as: DemoUsers.integration.id)
                #expect(feed.status == .ok && !feed.body.contains("Ada's") && feed.body.contains(Self.graceTitle), "\(feed)")

                // Forgetting again says there is nothing left, and writes nothing.
                let head = try await server.head()
                let again = try await server.send(.delete, "/users/1/personal-data", as: 1)
                #expect(again.status == .ok && again.json["forgotten"] == false && again.body.contains("has no key"), "\(again)")
                #expect(try await server.head() == head)
                return try await RebuildTests.snapshot(server)
            }
            for (table, rows) in before {
                #expect(!rows.joined().contains("Ada's"), "\(table) holds Ada's data: \(rows)")
            }
            #expect(before["meetings"]?.joined().contains(Self.graceTitle) == true)

            // The events command, and a rebuild of every projection: the same tables.
            let events = try await ChildProcess.run("meetings", ["events", "--json", "--database-url", url])
            #expect(events.status == 0 && !events.output.contains("Ada's") && events.output.contains("(forgotten)"), "\(events)")
            let rebuild = try await ChildProcess.run("meetings", ["rebuild", "--all", "--quiet", "--database-url", url])
            #expect(rebuild.status == 0, "\(rebuild)")
            try await TestServer.serve(url, clock: clock) { server in
                let after = try await RebuildTests.snapshot(server)
                for table in RebuildTests.tables where table.name != "outbox" {
                    #expect(after[table.name] == before[table.name], "\(table.name) after a rebuild")
                }
            }
            let status = try await ChildProcess.run("meetings", ["status", "--database-url", url])
            #expect(status.output.contains("Personal data: 1 subject(s) forgotten"), "\(status)")
        }
    }

    @Test(arguments: Backend.available)
    func archivingFinishedMeetingsMovesThemOutOfTheLog(_ backend: Backend) async throws {
        try await backend.withDatabase { url in
            let clock = TestClock(Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)))
            let (finished, open) = try await TestServer.serve(url, clock: clock) { server in
                let finished = try await server.schedule(by: 1, inviting: [2], title: "Old retro", in: 3_600)
                let open = try await server.schedule(by: 1, inviting: [2], title: "Next retro", in: 3 * 86_400)
                server.clock.advance(2 * 3_600)
                let done = try await server.send(.post, "/meetings/\(finished)/finish", as: 1)
                #expect(done.status == .ok, "\(done)")
                try await server.waitForReadSide()
                return (finished, open)
            }
            let tomorrow = Timestamp.string(clock.now + 86_400)
            let archive = try await ChildProcess.run("meetings", ["archive", "--finished-before", tomorrow, "--database-url", url])
            #expect(archive.status == 0 && archive.output.contains("Archived 1 meeting(s)"), "\(archive)")
            try await TestServer.serve(url, clock: clock) { server in
                try await server.waitForReadSide()
                #expect(try await server.send(.get, "/meetings/\(finished)", as: 1).status == .notFound)
                #expect(try await server.send(.get, "/meetings/\(open)", as: 1).status == .ok)
                let activity = try await server.send(.get, "/activity", as: 1)
                #expect(!activity.body.contains("Old retro") && activity.body.contains("Next retro"), "\(activity)")
                let late = try await server.send(.post, "/meetings/\(finished)/accept", as: 2)
                #expect(late.status == .notFound, "\(late)")
                let feed = try await server.send(.get, "/feed/events?after=0&limit=100", as: DemoUsers.integration.id)
                #expect(!feed.body.contains("Old retro") && feed.body.contains(StreamArchived.eventType), "the feed follows the log: \(feed)")
            }
            let listed = try await ChildProcess.run("meetings", ["events", "--archived", "--json", "--database-url", url])
            #expect(listed.status == 0 && listed.output.contains("Old retro") && !listed.output.contains("Next retro"), "\(listed)")
            let log = try await ChildProcess.run("meetings", ["events", "--json", "--database-url", url])
            #expect(!log.output.contains("Old retro") && log.output.contains("chronicle.stream_archived"), "\(log)")
            let status = try await ChildProcess.run("meetings", ["status", "--database-url", url])
            #expect(status.output.contains("2 event(s) of 1 entity archived"), "\(status)")

            // Forgetting through the command reaches the archive too.
            let forget = try await ChildProcess.run("meetings", ["forget", "1", "--actor", "ops", "--database-url", url])
            #expect(forget.status == 0 && forget.output.contains("Forgot subject 1"), "\(forget)")
            let forgotten = try await ChildProcess.run("meetings", ["events", "--archived", "--json", "--database-url", url])
            #expect(!forgotten.output.contains("Old retro") && forgotten.output.contains("(forgotten)"), "\(forgotten)")
            let again = try await ChildProcess.run("meetings", ["forget", "1", "--database-url", url])
            #expect(again.status == 0 && again.output.contains("has no key"), "\(again)")
        }
    }

    @Test(arguments: Backend.available)
    func aMissingMasterKeyStopsTheAppBeforeAnythingIsWritten(_ backend: Backend) async throws {
        try await backend.withDatabase { url in
            let run = try await ChildProcess.run("meetings", ["migrate", "--database-url", url], environment: ["MEETINGS_MASTER_KEY": ""])
            switch backend {
            case .postgres:
                #expect(run.status == 1 && run.errors.contains("The master key is missing: set MEETINGS_MASTER_KEY"), "\(run)")
                let status = try await ChildProcess.run("meetings", ["status", "--database-url", url])
                #expect(status.status != 0 && status.errors.contains("migrate"), "nothing was migrated: \(status)")
            case .sqlite:
                // A new SQLite database gets a development key beside it; a database whose key
                // is lost stops the app.
                #expect(run.status == 0 && FileManager.default.fileExists(atPath: url + ".master-key"), "\(run)")
                try FileManager.default.removeItem(atPath: url + ".master-key")
                let bytes = try Data(contentsOf: URL(fileURLWithPath: url))
                let again = try await ChildProcess.run("meetings", ["status", "--database-url", url], environment: ["MEETINGS_MASTER_KEY": ""])
                #expect(again.status == 1 && again.errors.contains("The master key is missing"), "\(again)")
                #expect(try Data(contentsOf: URL(fileURLWithPath: url)) == bytes, "nothing was written")
            }
            let invalid = try await ChildProcess.run("meetings", ["status", "--database-url", url], environment: ["MEETINGS_MASTER_KEY": "not a key"])
            #expect(invalid.status == 1 && invalid.errors.contains("MEETINGS_MASTER_KEY is not a master key"), "\(invalid)")
        }
    }
}
