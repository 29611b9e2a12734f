import Chronicle
import ChronicleSQLite
import Foundation
import Logging
import ServiceLifecycle
import Testing

/// The SQLite store as a service: open while its group runs, closed on every way out.
@Suite("SQLite store as a service")
struct SQLiteServiceTests {
    static let stream = StreamName(entityType: "account", entityID: "a1")

    @Test func closesWhenItsGroupShutsDown() async throws {
        try await withTemporaryDirectory { directory in
            let store = try await SQLiteEventStore(path: directory.appendingPathComponent("service.sqlite").path)
            let group = ServiceGroup(configuration: .init(services: [store], logger: Logger(label: "test")))
            let running = Task { try await group.run() }
            try await store.append([SQLiteStoreTests.event("open")], to: Self.stream, expected: .noEvents)
            await group.triggerGracefulShutdown()
            try await running.value
            await Self.expectClosed(store)
            try await store.close()  // closing again does nothing
        }
    }

    @Test func closesWhenItsTaskIsCancelled() async throws {
        try await withTemporaryDirectory { directory in
            let store = try await SQLiteEventStore(path: directory.appendingPathComponent("service.sqlite").path)
            let running = Task { try await store.run() }
            try await store.append([SQLiteStoreTests.event("open")], to: Self.stream, expected: .noEvents)
            running.cancel()
            try await running.value
            await Self.expectClosed(store)
            try await store.close()
        }
    }

    /// Appends and reads fail once the store is closed, saying so.
    static func expectClosed(_ store: SQLiteEventStore, sourceLocation: SourceLocation = #_sourceLocation) async {
        let append = await #expect(throws: EventStoreError.self, "an append after closing", sourceLocation: sourceLocation) {
            try await store.append([SQLiteStoreTests.event("closed")], to: stream, expected: .any)
        }
        let read = await #expect(throws: EventStoreError.self, "a read after closing", sourceLocation: sourceLocation) {
            _ = try await store.readStream(stream)
        }
        for error in [append, read] {
            #expect(error?.message.contains("used after it was closed") == true, "\(String(describing: error))", sourceLocation: sourceLocation)
        }
    }
}
