import CLibpq
import Chronicle
import ChroniclePostgres
import Foundation

/// A prototype of Chronicle's PostgreSQL append and stream read over libpq instead of
/// PostgresNIO, to measure what the driver path costs: one libpq connection with a thread of its
/// own, where its blocking calls run while the caller awaits them, as an async driver over libpq
/// would work. It runs the store's own prepared statements (`PostgresStatements`), sends
/// parameters as text and reads rows in binary.
final class LibpqConnection: @unchecked Sendable {
    private let connection: OpaquePointer
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var isClosing = false
    private var isClosed = false

    /// Connects to `url` with `schema` as the search path, and prepares the statements.
    init(url: String, schema: String) throws {
        guard let connection = PQconnectdb(url), PQstatus(connection) == CONNECTION_OK else {
            throw BenchError("libpq could not connect to \(url).")
        }
        self.connection = connection
        try execute("SET search_path TO \(schema)")
        try prepare("append", PostgresStatements.append, parameters: 11)
        try prepare("read_stream", PostgresStatements.readStream, parameters: 5)
        Thread { [self] in serve() }.start()
    }

    /// Runs `work` on the connection's thread.
    func run<Result: Sendable>(_ work: @escaping @Sendable (LibpqConnection) throws -> Result) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            condition.withLock {
                jobs.append { continuation.resume(with: Swift.Result { try work(self) }) }
                condition.signal()
            }
        }
    }

    /// Stops the thread and closes the connection.
    func close() {
        condition.withLock {
            isClosing = true
            condition.signal()
            while !isClosed { condition.wait() }
        }
        PQfinish(connection)
    }

    private func serve() {
        while true {
            let job: (() -> Void)? = condition.withLock {
                while jobs.isEmpty && !isClosing { condition.wait() }
                return jobs.isEmpty ? nil : jobs.removeFirst()
            }
            guard let job else { break }
            job()
        }
        condition.withLock {
            isClosed = true
            condition.broadcast()
        }
    }

    private func execute(_ sql: String) throws {
        let result = PQexec(connection, sql)
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_COMMAND_OK else { throw error(sql) }
    }

    private func prepare(_ name: String, _ sql: String, parameters: Int32) throws {
        let result = PQprepare(connection, name, sql, parameters, nil)
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_COMMAND_OK else { throw error(name) }
    }

    private func error(_ what: String) -> BenchError {
        BenchError("libpq, \(what): \(String(cString: PQerrorMessage(connection)))")
    }

    /// Runs a prepared statement with text parameters (`nil` is NULL), asking for binary rows.
    private func executePrepared(_ name: String, _ parameters: [String?], _ body: (OpaquePointer) throws -> Void) throws {
        let values = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { values.forEach { free($0) } }
        let result = values.map { UnsafePointer($0) }.withUnsafeBufferPointer { values in
            PQexecPrepared(connection, name, Int32(values.count), values.baseAddress, nil, nil, 1)
        }
        defer { PQclear(result) }
        guard let result, PQresultStatus(result) == PGRES_TUPLES_OK else { throw error(name) }
        try body(result)
    }

    /// Appends as `PostgresEventStore.append(_:to:expected:)` does with one append in its
    /// transaction: the same statement, and the recorded events built from its rows.
    func append(_ append: PreparedAppend) throws -> AppendResult {
        let entries = append.entries
        let parameters: [String?] = [
            append.stream.entityType, append.stream.entityID, append.expected.requiredVersion.map(String.init), String(entries.count),
            Self.array(entries.map { $0.id.uuidString.lowercased() }), Self.array(entries.map(\.eventType)),
            Self.array(entries.map { String($0.schemaVersion) }), Self.array(entries.map { String(decoding: $0.metadataJSON, as: UTF8.self) }),
            Self.array(entries.map { String(decoding: $0.data, as: UTF8.self) }),
            Self.array(entries.map { Self.timestamp(Timestamp.microseconds(since1970: $0.createdAt)) }), "false",
        ]
        var rows: [(position: Int64, version: Int)] = []
        try executePrepared("append", parameters) { result in
            for row in 0..<PQntuples(result) {
                rows.append((Self.integer(result, row, 0), Int(Self.integer(result, row, 1))))
            }
        }
        guard rows.count == entries.count, let first = rows.map(\.version).min() else {
            throw BenchError("The append to \(append.stream) was refused.")
        }
        return AppendResult(events: append.recordedEvents(after: first - 1, positions: rows.sorted { $0.version < $1.version }.map(\.position)))
    }

    /// Reads one entity's events in version order, as `PostgresEventStore.readStream` does.
    func readStream(_ stream: StreamName, after version: Int, limit: Int) throws -> [RecordedEvent] {
        var events: [RecordedEvent] = []
        try executePrepared("read_stream", [stream.entityID, stream.entityType, String(version), String(Int.max), String(limit)]) { result in
            events.reserveCapacity(Int(PQntuples(result)))
            for row in 0..<PQntuples(result) {
                events.append(try Self.event(result, row))
            }
        }
        return events
    }

    /// A row of `RecordedEvent.postgresColumns`, in binary.
    private static func event(_ result: OpaquePointer, _ row: Int32) throws -> RecordedEvent {
        func bytes(_ column: Int32) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(start: PQgetvalue(result, row, column), count: Int(PQgetlength(result, row, column)))
        }
        func text(_ column: Int32) -> String { String(decoding: bytes(column), as: UTF8.self) }
        let idBytes = bytes(1)
        let id = UUID(uuid: (
            idBytes[0], idBytes[1], idBytes[2], idBytes[3], idBytes[4], idBytes[5], idBytes[6], idBytes[7],
            idBytes[8], idBytes[9], idBytes[10], idBytes[11], idBytes[12], idBytes[13], idBytes[14], idBytes[15]))
        // timestamptz: microseconds since 2000-01-01.
        let createdAt = Timestamp.date(microsecondsSince1970: integer(result, row, 9) + 946_684_800_000_000)
        return RecordedEvent(
            position: integer(result, row, 0), id: id, stream: StreamName(entityType: text(2), entityID: text(3)),
            version: Int(integer(result, row, 4)), eventType: text(5), schemaVersion: Int(integer(result, row, 6)),
            metadata: try EventMetadata(storedJSON: Data(bytes(7)), createdAt: createdAt), data: Data(bytes(8)))
    }

    /// A binary integer cell of 2, 4 or 8 bytes.
    private static func integer(_ result: OpaquePointer, _ row: Int32, _ column: Int32) -> Int64 {
        let bytes = UnsafeRawBufferPointer(start: PQgetvalue(result, row, column), count: Int(PQgetlength(result, row, column)))
        return bytes.reduce(Int64(bytes.first.map { $0 & 0x80 != 0 ? -1 : 0 } ?? 0)) { $0 << 8 | Int64($1) }
    }

    /// A PostgreSQL array literal of text elements, each quoted.
    private static func array(_ elements: [String]) -> String {
        "{" + elements.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            .joined(separator: ",") + "}"
    }

    /// A `timestamptz` literal: microseconds since 1970, in UTC.
    private static func timestamp(_ microseconds: Int64) -> String {
        var seconds = time_t(microseconds / 1_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d.%06d+00", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour,
            parts.tm_min, parts.tm_sec, Int32(microseconds % 1_000_000))
    }
}
