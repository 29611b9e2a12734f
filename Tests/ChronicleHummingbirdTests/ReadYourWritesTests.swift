import Chronicle
import ChronicleHummingbird
import ChronicleProjections
import ChronicleSQLite
import ExampleDomain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SQLKit
import Testing

/// `Chronicle-Min-Position`: reads wait for the async projections, within a bound.
@Suite struct ReadYourWritesTests {
    /// One row per increment, behind the log.
    struct IncrementsProjection: Projection {
        static let name = "increments"
        static let version = 1
        static let tables = [ProjectionTable("increments", ["CREATE TABLE {table} (position BIGINT PRIMARY KEY, amount INTEGER NOT NULL)"])]

        var handlers: EventHandlers<ProjectionContext> {
            EventHandlers {
                On(CounterIncremented.self) { event, row in
                    try await row.sql.raw("INSERT INTO \(ident: row.table("increments")) (position, amount) VALUES (\(bind: row.event.position), \(bind: event.amount))").run()
                }
            }
        }
    }

    @Test func waitsForTheReadTablesOrAnswers503() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chronicle-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try await SQLiteEventStore(path: directory.appendingPathComponent("events.sqlite").path)
        do {
            let readSide = ReadSide(database: store, async: [IncrementsProjection()], configuration: .init(pollInterval: .milliseconds(20)))
            try await readSide.migrate()
            let written = try await readSide.eventStore.append(
                [CounterIncremented(amount: 3)], to: StreamName(entityType: "counter", entityID: "c1"), expected: .any)

            func application(timeout: Duration) -> some ApplicationProtocol {
                let router = Router()
                router.add(middleware: ChronicleErrorMiddleware())
                router.add(middleware: ReadYourWritesMiddleware(readSide: readSide, timeout: timeout))
                router.get("/increments") { _, _ -> String in
                    let count = try await store.withReadConnection { sql in
                        try await sql.raw("SELECT COUNT(*) AS n FROM increments").first()?.decode(column: "n", as: Int.self) ?? 0
                    }
                    return "\(count)"
                }
                return Application(router: router)
            }
            // Nothing follows the log yet: a bounded wait, then 503.
            try await application(timeout: .milliseconds(300)).test(.router) { client in
                try await client.execute(uri: "/increments", method: .get, headers: [.chronicleMinPosition: "\(written.position)"]) { response in
                    #expect(response.status == .serviceUnavailable)
                    #expect(response.headers[.retryAfter] == "1")
                    #expect(String(buffer: response.body).contains(#""code":"read_side_behind""#))
                }
                try await client.execute(uri: "/increments", method: .get) { response in
                    #expect(response.status == .ok && String(buffer: response.body) == "0", "without the header, no wait")
                }
                try await client.execute(uri: "/increments", method: .get, headers: [.chronicleMinPosition: "soon"]) { response in
                    #expect(response.status == .badRequest)
                }
            }
            // With the runner started, the same request waits until the projection has caught up.
            let runner = Task { try await readSide.run() }
            try await application(timeout: .seconds(60)).test(.router) { client in
                try await client.execute(uri: "/increments", method: .get, headers: [.chronicleMinPosition: "\(written.position)"]) { response in
                    #expect(response.status == .ok && String(buffer: response.body) == "1", "served once the projection caught up")
                }
            }
            runner.cancel()
            _ = await runner.result
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }
}
