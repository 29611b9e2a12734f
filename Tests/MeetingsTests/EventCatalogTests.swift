import Chronicle
import ChronicleCommands
import ChronicleProjections
import Foundation
@testable import MeetingsServer
import TestSupport
import Testing

/// `Examples/Meetings/EVENTS.md` and `EVENTS.schema.json` are what `events catalog` makes of the
/// sample's event types today. When an event type, its doc comments or its handlers change,
/// regenerate them: `CHRONICLE_WRITE_CATALOG=1 swift test --filter EventCatalogTests`.
@Suite("Meetings: the event catalog")
struct EventCatalogTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Examples/Meetings").standardized

    @Test func theCommittedCatalogIsCurrent() async throws {
        let (markdown, schema) = try await Self.generate()
        for (name, text) in [("EVENTS.md", markdown), ("EVENTS.schema.json", schema)] {
            let file = Self.folder.appendingPathComponent(name)
            if ProcessInfo.processInfo.environment["CHRONICLE_WRITE_CATALOG"] != nil {
                try text.write(to: file, atomically: true, encoding: .utf8)
            }
            let committed = try String(contentsOf: file, encoding: .utf8)
            #expect(
                committed == text,
                "\(name) is stale: regenerate it with CHRONICLE_WRITE_CATALOG=1 swift test --filter EventCatalogTests")
        }
    }

    @Test func theCatalogDocumentsEachEventType() async throws {
        let (markdown, _) = try await Self.generate()
        for type in MeetingsApp.eventTypes { #expect(markdown.contains("## \(type.eventType)\n")) }
        // Fields as stored, their Swift types and doc comments, an example, the handlers.
        #expect(markdown.contains("| `starts_at` | `Date` | When it starts. |"), "\(markdown)")
        #expect(markdown.contains("| `invitee_ids` | `[Int]` |"))
        #expect(markdown.contains("| `title` | `String` | What the meeting is about. Personal data. |"))
        #expect(markdown.contains(#""organizer_id" : 1"#))
        #expect(markdown.contains("- Handled by: aggregate `meeting`, projection `meetings`, projection `activity`, reactor `notifications`"))
    }

    @Test func theCommandWritesTheSameCatalog() async throws {
        try await Backend.sqlite.withDatabase { url in
            let migrated = try await ChildProcess.run("meetings", ["migrate", "--database-url", url])
            #expect(migrated.status == 0, "\(migrated)")
            let run = try await ChildProcess.run(
                "meetings", ["events", "catalog", "--database-url", url, "--sources", Self.folder.appendingPathComponent("Domain").path])
            #expect(run.status == 0, "\(run)")
            #expect(run.output == (try await Self.generate()).markdown)
        }
    }

    /// The catalog of the sample, as Markdown and as JSON Schema.
    static func generate() async throws -> (markdown: String, schema: String) {
        var generated = ("", "")
        try await Backend.sqlite.withDatabase { url in
            try await EventSourcedApp.meetings(url: url) { app in
                let catalog = MeetingsApp.catalog(of: app, sources: [folder.appendingPathComponent("Domain")])
                generated = (catalog.markdown(), catalog.jsonSchemaText())
            }
        }
        return generated
    }
}
