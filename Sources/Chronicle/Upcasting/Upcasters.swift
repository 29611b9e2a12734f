import Foundation

/// The upcasting steps of a program, checked to be complete: what a store applies to every
/// event it reads, so that code only ever sees the current version of each event type.
///
/// Creating the set checks every chain against the current event types, so that a missing
/// step is an error when the program starts, not when an old event is read:
///
/// ```swift
/// let upcasters = try Upcasters(
///     [
///         Upcaster("meeting.scheduled", from: 1) { data in … },   // 1 → 2
///         Upcaster("meeting.scheduled", from: 2) { data in … },   // 2 → 3
///     ],
///     current: [MeetingScheduled.self])                           // schemaVersion 3
/// let store = try await SQLiteEventStore(configuration: .init(path: "app.sqlite", upcasters: upcasters))
/// ```
public struct Upcasters: Sendable {
    private struct Key: Hashable, Sendable {
        let eventType: String
        let version: Int
    }

    private let steps: [Key: Upcaster]
    /// The current schema version of each event type the program knows.
    private let currentVersions: [String: Int]

    /// No steps: events are read as stored.
    public init() {
        steps = [:]
        currentVersions = [:]
    }

    /// A checked set of steps.
    ///
    /// - Parameters:
    ///   - upcasters: The steps.
    ///   - current: The program's event types; their ``Event/schemaVersion`` is where chains end.
    /// - Throws: ``EventStoreError/Code/missingUpcaster`` naming the missing step when a current
    ///   type at version n lacks a step from a version below n, or a step leads to a version
    ///   nothing reads; ``EventStoreError/Code/invalidInput`` when two steps read the same version.
    public init(_ upcasters: [Upcaster], current: [any Event.Type]) throws {
        var steps: [Key: Upcaster] = [:]
        for upcaster in upcasters {
            let key = Key(eventType: upcaster.eventType, version: upcaster.version)
            guard steps[key] == nil else {
                throw EventStoreError.invalidInput("Two upcasters read \(upcaster.eventType) version \(upcaster.version).")
            }
            steps[key] = upcaster
        }
        var currentVersions: [String: Int] = [:]
        for type in current {
            currentVersions[type.eventType] = type.schemaVersion
        }
        self.steps = steps
        self.currentVersions = currentVersions
        try check()
    }

    /// Whether the set has no steps.
    public var isEmpty: Bool { steps.isEmpty }

    /// The steps that lead to an event type's current version, oldest first: the steps of its
    /// older versions, and of the types renamed into it (and theirs).
    ///
    /// - Parameter eventType: The current event type.
    public func steps(producing eventType: String) -> [Upcaster] {
        var types: Set<String> = [eventType]
        var chain: [Upcaster] = []
        var found = true
        while found {
            found = false
            for step in steps.values where !chain.contains(where: { $0.eventType == step.eventType && $0.version == step.version }) {
                if types.contains(step.eventType) || step.produces.map({ types.contains($0.eventType) }) == true {
                    chain.append(step)
                    types.insert(step.eventType)
                    found = true
                }
            }
        }
        return chain.sorted { ($0.eventType, $0.version) < ($1.eventType, $1.version) }
    }

    /// Whether reading an event runs a step: its type and stored version have one.
    public func upcasts(_ event: RecordedEvent) -> Bool {
        steps[Key(eventType: event.eventType, version: event.schemaVersion)] != nil
    }

    /// Every version a chain must read leads, step by step, to a current version.
    private func check() throws {
        var starts = Set<Key>()
        for (eventType, version) in currentVersions where version > 1 {
            for old in 1..<version { starts.insert(Key(eventType: eventType, version: old)) }
        }
        starts.formUnion(steps.keys)
        for start in starts.sorted(by: { ($0.eventType, $0.version) < ($1.eventType, $1.version) }) {
            var at = start
            var visited: Set<Key> = []
            while currentVersions[at.eventType] != at.version {
                guard visited.insert(at).inserted else {
                    throw EventStoreError(code: .missingUpcaster, message: "The upcasters of \(start.eventType) version \(start.version) go round in a circle.")
                }
                guard let step = steps[at] else {
                    let target = currentVersions[at.eventType].map { "version \($0)" } ?? "a current event type"
                    throw EventStoreError(
                        code: .missingUpcaster,
                        message: "No upcaster reads \(at.eventType) version \(at.version): events stored as \(start.eventType) version \(start.version) cannot reach \(target). Register Upcaster(\"\(at.eventType)\", from: \(at.version)) { … }.")
                }
                guard let next = step.produces else { break }  // a split: its parts are checked when read
                at = Key(eventType: next.eventType, version: next.version)
            }
        }
    }

    /// The events as the program reads them: each stored event brought to its current version.
    ///
    /// Events already current, and events of types the set knows nothing of, are returned as
    /// stored, without touching their data.
    ///
    /// - Throws: ``EventStoreError/Code/undecodableEvent`` when a step meets data it cannot
    ///   read, or the error a step throws; ``EventStoreError/Code/missingUpcaster`` when a split
    ///   produces a version no step reads.
    public func upcast(_ events: [RecordedEvent]) throws -> [RecordedEvent] {
        guard !steps.isEmpty, events.contains(where: needsUpcasting) else { return events }
        var upcast: [RecordedEvent] = []
        upcast.reserveCapacity(events.count)
        for event in events {
            if needsUpcasting(event) {
                upcast += try self.upcast(event)
            } else {
                upcast.append(event)
            }
        }
        return upcast
    }

    private func needsUpcasting(_ event: RecordedEvent) -> Bool {
        steps[Key(eventType: event.eventType, version: event.schemaVersion)] != nil
    }

    private func upcast(_ event: RecordedEvent) throws -> [RecordedEvent] {
        let data: [String: JSONValue]
        do {
            data = try Self.object(from: event.data)
        } catch {
            throw EventStoreError(
                code: .undecodableEvent, message: "Event \(event.position) of \(event.stream) is not a JSON object; it cannot be upcast.",
                stream: event.stream, eventID: event.id, position: event.position, underlying: error)
        }
        var pending = [UpcastEvent(eventType: event.eventType, schemaVersion: event.schemaVersion, data: data)]
        var done: [UpcastEvent] = []
        var steps = 0
        while let part = pending.first {
            pending.removeFirst()
            guard let step = self.steps[Key(eventType: part.eventType, version: part.schemaVersion)] else {
                if let current = currentVersions[part.eventType], current != part.schemaVersion {
                    throw EventStoreError(
                        code: .missingUpcaster,
                        message: "Event \(event.position) of \(event.stream) became \(part.eventType) version \(part.schemaVersion), which no upcaster reads (current: \(current)).",
                        stream: event.stream, eventID: event.id, position: event.position)
                }
                done.append(part)
                continue
            }
            steps += 1
            guard steps <= 1_000 else {
                throw EventStoreError(code: .missingUpcaster, message: "The upcasters of event \(event.position) do not end.", position: event.position)
            }
            pending.insert(contentsOf: try step.transform(part), at: 0)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try done.enumerated().map { index, part in
            var result = event
            result.eventType = part.eventType
            result.schemaVersion = part.schemaVersion
            result.data = try encoder.encode(part.data)
            if index > 0 { result.id = Self.partID(of: event.id, index) }
            return result
        }
    }

    /// The stored data as the object upcasters change: through the plain-JSON parser when every
    /// number in it is an integer, as `JSONDecoder` would give it, and through `JSONDecoder`
    /// otherwise. (`JSONDecoder` was over half of the time spent upcasting in a migration.)
    static func object(from data: Data) throws -> [String: JSONValue] {
        if let document = try? data.withUnsafeBytes({ try PlainJSON(parsing: $0.bindMemory(to: UInt8.self)) }),
            case .object(let object)? = JSONValue(plain: document)
        {
            return object
        }
        return try JSONDecoder().decode([String: JSONValue].self, from: data)
    }

    /// The id of part `index` of a split event: derived from the stored id, the same on every read.
    static func partID(of id: UUID, _ index: Int) -> UUID {
        var bytes = id.uuid
        withUnsafeMutableBytes(of: &bytes) { raw in
            var hash: UInt64 = 14_695_981_039_346_656_037
            for byte in raw { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
            hash = (hash ^ UInt64(index)) &* 1_099_511_628_211
            for offset in 0..<8 { raw[8 + offset] ^= UInt8(truncatingIfNeeded: hash >> (offset * 8)) }
            raw[6] = (raw[6] & 0x0F) | 0x80  // version 8: custom
            raw[8] = (raw[8] & 0x3F) | 0x80  // RFC 4122 variant
        }
        return UUID(uuid: bytes)
    }
}
