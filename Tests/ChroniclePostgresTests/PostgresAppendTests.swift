import Chronicle
import ChroniclePostgres
import Foundation
import Logging
import PostgresNIO
import SQLKit
import Testing

@Suite("PostgreSQL appends", TestDatabase.available)
struct PostgresAppendTests {
    let logger = Logger(label: "chronicle.tests")

    static func event(_ text: String = "x") -> NewEvent {
        NewEvent(eventType: "test.happened", data: Data(#"{"text":"\#(text)"}"#.utf8))
    }

    /// A writer whose version another writer took first (here: one that bypasses the store and
    /// has not committed yet) collides on the unique index and gets a conflict with the actual version.
    /// A store that nobody asked for notifications keeps all its connections for work: with a
    /// pool of one, appends and reads still go through (`LISTEN` once took that connection).
    @Test func aStoreWithOneConnectionAppends() async throws {
        try await TestDatabase.withStore(maximumConnections: 1) { store in
            try await Task.sleep(for: .milliseconds(200))
            let appended = try await withThrowingTaskGroup(of: Int64?.self) { group in
                group.addTask {
                    try await store.append(
                        [NewEvent(eventType: "note.written", data: Data("{}".utf8))], to: StreamName(entityType: "note", entityID: "n1"),
                        expected: .noEvents
                    ).position
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(10))
                    return nil
                }
                defer { group.cancelAll() }
                return try await group.next() ?? nil
            }
            #expect(appended == 1, "the append finished within 10 s")
        }
    }

    @Test func uniqueIndexTurnsARaceIntoAConflict() async throws {
        try await TestDatabase.withStore { store in
            let stream = StreamName(entityType: "meeting", entityID: "raced")
            try await store.client.withConnection { raw in
                try await raw.query("BEGIN", logger: logger)
                try await raw.query(
                    """
                    INSERT INTO chronicle_events (position, transaction_id, event_id, entity_type, entity_id, version,
                                        event_type, schema_version, meta, data, created_at)
                    VALUES (nextval('chronicle_events_position_seq'), pg_current_xact_id(), gen_random_uuid(), 'meeting',
                            'raced', 1, 'test.happened', 1, '{}', '{}', now())
                    """, logger: logger)
                // The store reads version 0 (the row is not committed) and collides on the index.
                let attempt = Task { try await store.append([Self.event()], to: stream, expected: .noEvents) }
                try await Task.sleep(for: .milliseconds(300))
                try await raw.query("COMMIT", logger: logger)
                let error = await #expect(throws: EventStoreError.self) { try await attempt.value }
                #expect(error?.code == .wrongExpectedVersion)
                #expect(error?.actualVersion == 1)
            }
            #expect(try await store.readStream(stream).count == 1)
        }
    }

    @Test func appendsAndWritesRowsOfItsOwnInOneTransaction() async throws {
        try await TestDatabase.withStore { store in
            let stream = StreamName(entityType: "meeting", entityID: "transactional")
            try await execute("CREATE TABLE bookings (meeting text PRIMARY KEY)", on: store.client)
            let result = try await store.append([Self.event()], to: stream, expected: .noEvents, sharingLocksOf: []) { sql, _ in
                try await sql.raw("INSERT INTO bookings VALUES ('transactional')").run()
            }
            #expect(result.version == 1)
            #expect(try await store.readStream(stream) == result.events)

            // A failure after the append rolls the append back with the rest.
            struct Abort: Error {}
            await #expect(throws: Abort.self) {
                try await store.append([Self.event()], to: stream, expected: .exactly(1), sharingLocksOf: []) { sql, _ in
                    try await sql.raw("INSERT INTO bookings VALUES ('second')").run()
                    throw Abort()
                }
            }
            #expect(try await store.readStream(stream).count == 1)
            #expect(try await store.headPosition() == result.position)
            let bookings = try await store.client.query("SELECT count(*) FROM bookings", logger: logger)
            for try await count in bookings.decode(Int.self) { #expect(count == 1) }
        }
    }

    /// Readers rely on a transaction taking its transaction id and positions together, so the
    /// database refuses to reserve positions after another write of the same transaction.
    @Test(arguments: ["SELECT pg_current_xact_id()", "INSERT INTO scratch VALUES (1)"])
    func refusesToReservePositionsAfterAnotherWrite(_ earlierStatement: String) async throws {
        try await TestDatabase.withStore { store in
            try await execute("CREATE TABLE scratch (n int)", on: store.client)
            let failure = await #expect(throws: PostgresTransactionError.self) {
                try await store.client.withTransaction(logger: logger) { connection in
                    try await connection.query(PostgresQuery(unsafeSQL: earlierStatement), logger: logger)
                    _ = try await connection.query("SELECT * FROM chronicle_reserve_positions(1)", logger: logger).collect()
                }
            }
            let error = failure?.closureError as? PSQLError
            #expect(error?.serverInfo?[.sqlState] == "CH002")
            #expect(error?.serverInfo?[.message]?.contains("first write of its transaction") == true)
            #expect(try await store.headPosition() == 0)
        }
    }

    @Test func explainsAMissingSchema() async throws {
        try await TestDatabase.withStore(migrated: false) { store in
            let stream = StreamName(entityType: "meeting", entityID: "early")
            let append = await #expect(throws: EventStoreError.self) {
                try await store.append([Self.event()], to: stream, expected: .any)
            }
            #expect(append?.code == .notMigrated)
            #expect(append?.message.contains("Migrate it first") == true, "\(String(describing: append))")
            let read = await #expect(throws: EventStoreError.self) { try await store.headPosition() }
            #expect(read?.code == .notMigrated && read?.message.contains("SQLSTATE 42P01") == true, "\(String(describing: read))")
        }
    }
}
