import Chronicle
import ChroniclePostgres
import ChronicleSQLite
import Foundation
import Logging
import PostgresNIO
import SQLiteNIO

/// Reading the whole log in position order: Chronicle's `readLog` sequence (batches behind the
/// gap-free guard, each event decoded into a `RecordedEvent`) beside a raw
/// `SELECT … ORDER BY position` whose rows are decoded column by column into a plain struct.
struct LogReadBenchmark {
    var target: BenchTarget
    var events: Int
    var runs: Int

    /// The columns of an event row, as the raw loop decodes them.
    struct RawRow {
        var position: Int64
        var eventID: String
        var entityType: String
        var entityID: String
        var version: Int
        var eventType: String
        var schemaVersion: Int
        var meta: String
        var data: String
        var createdAt: Int64
    }

    /// Events per second and peak resident memory of each read, Chronicle's and the raw loop's.
    func run() async throws -> [ResultRow] {
        let (events, runs) = (events, runs)
        let series = try await target.withStore(RebuildBenchmark.writers) { store in
            try await RebuildBenchmark.seed(store, events: events)
            var speeds: [Double] = [], peaks: [Double] = [], rawSpeeds: [Double] = [], rawPeaks: [Double] = []
            for _ in 0..<runs {
                let (speed, peak) = try await Self.measure(events: events) {
                    var count = 0, bytes = 0
                    for try await event in store.readLog(after: 0, batchSize: 1_000) {
                        count += 1
                        bytes += event.data.count
                    }
                    return (count, bytes)
                }
                speeds.append(speed)
                peaks.append(peak)
                let (rawSpeed, rawPeak) = try await Self.measure(events: events) { try await Self.rawRead(beside: store) }
                rawSpeeds.append(rawSpeed)
                rawPeaks.append(rawPeak)
            }
            return [speeds, peaks, rawSpeeds, rawPeaks]
        }
        let operation = "read the log of \(events.formatted()) events"
        return [
            ResultRow(store: target.name, operation: operation, detail: "events", figures: series[0], unit: .perSecond, baseline: series[2], target: 0.7),
            ResultRow(store: target.name, operation: operation, detail: "peak RSS", figures: series[1], unit: .megabytes, baseline: series[3]),
        ]
    }

    /// Events per second and peak megabytes of one read, which must see every event.
    private static func measure(events: Int, _ read: () async throws -> (count: Int, bytes: Int)) async throws -> (Double, Double) {
        try await PeakMemory.throughput(of: events) {
            let result = try await read()
            guard result.count == events, result.bytes > 0 else { throw BenchError("The read saw \(result.count) of \(events) events.") }
        }
    }

    static let columns = "position, event_id, entity_type, entity_id, version, event_type, schema_version, meta, data, created_at"

    /// The raw loop: one query, rows streamed and decoded.
    private static func rawRead(beside store: any EventStore) async throws -> (count: Int, bytes: Int) {
        switch store {
        case let store as PostgresEventStore:
            return try await store.client.withConnection { connection in
                var count = 0, bytes = 0
                let rows = try await connection.query(
                    "SELECT \(unescaped: columns), extract(epoch from created_at)::bigint FROM chronicle_events ORDER BY position",
                    logger: Logger(label: "chronicle.bench"))
                for try await row in rows {
                    let (position, eventID, entityType, entityID, version, eventType, schemaVersion, meta, data, _, createdAt) =
                        try row.decode((Int64, UUID, String, String, Int, String, Int, String, String, Date, Int64).self)
                    let decoded = RawRow(
                        position: position, eventID: eventID.uuidString, entityType: entityType, entityID: entityID, version: version,
                        eventType: eventType, schemaVersion: schemaVersion, meta: meta, data: data, createdAt: createdAt)
                    count += 1
                    bytes += decoded.data.utf8.count
                }
                return (count, bytes)
            }
        case let store as SQLiteEventStore:
            let connection = try await SQLiteConnection.open(storage: .file(path: store.configuration.path))
            do {
                let tally = RowTally()
                try await connection.query("SELECT \(columns) FROM chronicle_events ORDER BY position", []) { row in
                    let decoded = RawRow(
                        position: Int64(row.column("position")?.integer ?? 0), eventID: row.column("event_id")?.string ?? "",
                        entityType: row.column("entity_type")?.string ?? "", entityID: row.column("entity_id")?.string ?? "",
                        version: row.column("version")?.integer ?? 0, eventType: row.column("event_type")?.string ?? "",
                        schemaVersion: row.column("schema_version")?.integer ?? 0, meta: row.column("meta")?.string ?? "",
                        data: row.column("data")?.string ?? "", createdAt: Int64(row.column("created_at")?.integer ?? 0))
                    tally.count += 1
                    tally.bytes += decoded.data.utf8.count
                }
                try await connection.close()
                return (tally.count, tally.bytes)
            } catch {
                try? await connection.close()
                throw error
            }
        default:
            throw BenchError("No raw log read for \(type(of: store)).")
        }
    }
}

/// Counts rows in SQLiteNIO's row callback, which the connection calls one row at a time on
/// its own thread, and which has returned before the counts are read.
private final class RowTally: @unchecked Sendable {
    var count = 0
    var bytes = 0
}
