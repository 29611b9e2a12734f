import Chronicle
import ChroniclePersonalData
import Foundation

/// The cost of crypto-shredding: appends and a read of the whole log, of events with two
/// encrypted personal fields beside the same events without, on fresh stores, in the same run.
///
/// 16 writers append `events` events, one per append, to new entities, for 1,000 subjects: each
/// subject's first event makes its key (a short transaction of its own), later ones find it in
/// the cipher's key cache. The log is then read whole, in batches of 1,000, decrypting every
/// encrypted field.
struct PersonalDataBenchmark {
    var target: BenchTarget
    var events: Int
    var runs: Int

    static let writers = 16
    static let subjects = 1_000

    func run() async throws -> [ResultRow] {
        var appends: [String: [Double]] = ["plain": [], "encrypted": []]
        var reads: [String: [Double]] = ["plain": [], "encrypted": []]
        for _ in 0..<runs {
            for kind in ["plain", "encrypted"] {
                let cipher =
                    kind == "encrypted"
                    ? try PersonalDataCipher(eventTypes: [BenchProfileSaved.self], masterKey: try LocalMasterKey(base64: LocalMasterKey.generate()))
                    : nil
                let events = events
                let series = try await target.open(Self.writers, Upcasters(), cipher) { store in
                    let clock = ContinuousClock()
                    let appending = try await clock.measure { try await Self.append(events, encrypted: cipher != nil, to: store) }
                    var read = 0
                    let reading = try await clock.measure {
                        var after: Int64 = 0
                        while true {
                            let batch = try await store.readLog(after: after, limit: 1_000)
                            guard let last = batch.last else { break }
                            read += batch.count
                            after = last.position
                        }
                    }
                    guard read == events else { throw BenchError("Read \(read) of \(events) events.") }
                    return [[Double(events) / appending.timeInterval], [Double(events) / reading.timeInterval]]
                }
                appends[kind]?.append(contentsOf: series[0])
                reads[kind]?.append(contentsOf: series[1])
            }
        }
        let operation = "personal data: 2 encrypted fields per event"
        return [
            ResultRow(store: target.name, operation: operation, detail: "append, 16 writers, plain", figures: appends["plain"] ?? [], unit: .perSecond),
            ResultRow(
                store: target.name, operation: operation, detail: "append, 16 writers, encrypted (ratio to plain)", figures: appends["encrypted"] ?? [],
                unit: .perSecond, baseline: appends["plain"]),
            ResultRow(store: target.name, operation: operation, detail: "read the log, plain", figures: reads["plain"] ?? [], unit: .perSecond),
            ResultRow(
                store: target.name, operation: operation, detail: "read the log, decrypted (ratio to plain)", figures: reads["encrypted"] ?? [],
                unit: .perSecond, baseline: reads["plain"]),
        ]
    }

    /// Appends the events from concurrent writers, one per append, each to a new entity.
    private static func append(_ events: Int, encrypted: Bool, to store: any EventStore) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    for index in stride(from: writer, to: events, by: writers) {
                        let data = Data(
                            #"{"ownerID":\#(index % subjects),"name":"Person \#(index)","email":"person\#(index)@example.com","plan":"pro","seats":3}"#.utf8)
                        let event = NewEvent(eventType: encrypted ? BenchProfileSaved.eventType : "bench.profile_plain", data: data)
                        try await store.append([event], to: StreamName(entityType: "bench-profile", entityID: "p\(index)"), expected: .noEvents)
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}

/// A profile whose name and email belong to its owner.
struct BenchProfileSaved: Event {
    static let eventType = "bench.profile_saved"
    static let personalFields = [
        PersonalField("name", of: .field("ownerID"), forgotten: "(forgotten)"),
        PersonalField("email", of: .field("ownerID"), forgotten: "(forgotten)"),
    ]
    var ownerID: Int
    var name: String
    var email: String
    var plan: String
    var seats: Int
}
