public import ArgumentParser
import Chronicle
import ChronicleProjections
import ChronicleSQL
import Foundation

/// `events`: lists the global log, or one entity's events, with filters; `--follow` keeps
/// printing new events as they are appended, like `tail -f`.
///
/// Each event is one line: position, time, entity and version, event type and schema version,
/// and the data as compact JSON with sorted keys; `--json` prints one JSON object per line
/// instead, with the metadata.
public struct EventsCommand<App: ChronicleApplication>: AsyncParsableCommand, Sendable {
    /// The command's name and help.
    public static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "events",
            abstract: "List or follow the event log, filtered by entity, type or position.",
            subcommands: [EventsCatalogCommand<App>.self])
    }

    /// Lists events after this position.
    @Option(help: "List events after this position.")
    public var after: Int64?

    /// Lists the last events (that match the filters).
    @Option(help: "List the last <n> events (of those the filters match).")
    public var last: Int?

    /// Stops after this many events.
    @Option(help: "Stop after <n> events.")
    public var limit: Int?

    /// Lists one entity's events.
    @Option(help: ArgumentHelp("List one entity's events.", valueName: "entity-type/entity-id"))
    public var entity: String?

    /// Lists the events of one entity type.
    @Option(name: .customLong("entity-type"), help: "List the events of entities of this type.")
    public var entityType: String?

    /// Lists events of these types.
    @Option(name: .customLong("type"), help: "List events of this type; repeat for several.")
    public var eventTypes: [String] = []

    /// Keeps printing new events.
    @Flag(help: "After the last event, wait for new ones and print them as they come (Ctrl-C stops).")
    public var follow = false

    /// Prints JSON lines.
    @Flag(help: "Print one JSON object per event, with its metadata.")
    public var json = false

    /// `--archived`: the archive (events moved out of the log) instead of the log.
    @Flag(help: "List archived events (moved out of the log by an archive) instead of the log.")
    public var archived = false

    /// The application's options.
    @OptionGroup public var options: App.Options

    /// Creates the command; the argument parser fills in its options.
    public init() {}

    /// Refuses contradictory or malformed filters before anything is opened.
    public func validate() throws {
        if after != nil && last != nil { throw ValidationError("Pass --after or --last, not both.") }
        if let after, after < 0 { throw ValidationError("--after takes a position of 0 or more.") }
        if let last, last < 1 { throw ValidationError("--last takes a count of 1 or more.") }
        if let limit, limit < 1 { throw ValidationError("--limit takes a count of 1 or more.") }
        if entity != nil, stream == nil {
            throw ValidationError("--entity takes an entity type and id, such as meeting/42.")
        }
        if archived, follow || last != nil {
            throw ValidationError("--archived lists the archive once: pass neither --follow nor --last with it.")
        }
    }

    /// Prints the matching events.
    public func run() async throws {
        try await CommandOutput.reportingFailures {
            try await App.withReadSide(options, access: .existing) { readSide in
                try await readSide.checkMigrated()
                var printer = Printer(limit: limit, json: json, flushesEachLine: follow)
                if archived {
                    try await listArchive(from: readSide.database, into: &printer)
                } else if let stream {
                    try await listStream(stream, from: readSide.database, into: &printer)
                } else {
                    try await listLog(from: readSide.database, into: &printer)
                }
            }
        }
    }

    private var stream: StreamName? {
        guard let entity, let slash = entity.firstIndex(of: "/") else { return nil }
        let type = entity[..<slash], id = entity[entity.index(after: slash)...]
        guard !type.isEmpty, !id.isEmpty else { return nil }
        return StreamName(entityType: String(type), entityID: String(id))
    }

    private func matches(_ event: RecordedEvent) -> Bool {
        (entityType == nil || event.stream.entityType == entityType) && (eventTypes.isEmpty || eventTypes.contains(event.eventType))
    }

    private func listLog(from store: any EventStore, into printer: inout Printer) async throws {
        let head = try await store.headPosition()
        var cursor = after ?? 0
        if let last {
            // The last events that match, found in windows that grow back from the head.
            let found = try await lastMatches(last, before: head, in: store)
            for event in found {
                try printer.print(event)
                if printer.isDone { return }
            }
            cursor = head
        }
        while !printer.isDone {
            let batch = try await readLog(from: store, after: cursor, through: follow ? nil : head)
            for event in batch where matches(event) {
                try printer.print(event)
                if printer.isDone { return }
            }
            guard let newest = batch.last?.position else {
                if !follow { return }
                try await Task.sleep(for: .milliseconds(500))
                continue
            }
            cursor = newest
        }
    }

    /// The log after a position, up to `head` when given; empty only when nothing is left. An
    /// event held back until its writer commits is waited for.
    private func readLog(from store: any EventStore, after cursor: Int64, through head: Int64?) async throws -> [RecordedEvent] {
        while true {
            let batch = try await store.readLog(after: cursor, limit: 1_000)
            if let head {
                let upToHead = batch.filter { $0.position <= head }
                if !batch.isEmpty || cursor >= head { return upToHead }
            } else if !batch.isEmpty {
                return batch
            } else {
                return []
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The last `count` events up to `head` that match the filters, oldest first.
    private func lastMatches(_ count: Int, before head: Int64, in store: any EventStore) async throws -> [RecordedEvent] {
        var window = Int64(count) * 2 + 64
        while true {
            let start = max(0, head - window)
            var found: [RecordedEvent] = []
            var cursor = start
            while cursor < head {
                let batch = try await readLog(from: store, after: cursor, through: head)
                guard let newest = batch.last?.position else { break }
                found += batch.filter(matches)
                cursor = newest
            }
            if found.count >= count || start == 0 { return Array(found.suffix(count)) }
            window *= 4
        }
    }

    /// The archive in position order, or one archived entity's events, filtered as the log is.
    private func listArchive(from store: any SQLEventStore, into printer: inout Printer) async throws {
        if let stream {
            for event in try await store.archivedEvents(ofEntity: stream.entityID) where matches(event) && event.position > (after ?? 0) {
                try printer.print(event)
                if printer.isDone { return }
            }
            return
        }
        var cursor = after ?? 0
        while !printer.isDone {
            let batch = try await store.archivedEvents(after: cursor, limit: 1_000)
            for event in batch where matches(event) {
                try printer.print(event)
                if printer.isDone { return }
            }
            guard let newest = batch.last?.position else { return }
            cursor = newest
        }
    }

    private func listStream(_ stream: StreamName, from store: any EventStore, into printer: inout Printer) async throws {
        var version = 0
        if let last {
            let all = try await store.readStream(stream).filter { matches($0) && $0.position > (after ?? 0) }
            for event in all.suffix(last) {
                try printer.print(event)
                if printer.isDone { return }
            }
            version = all.last?.version ?? 0
            if !follow { return }
        }
        while !printer.isDone {
            let batch = try await store.readStream(stream, after: version, through: nil, limit: 1_000)
            for event in batch where matches(event) && event.position > (after ?? 0) {
                try printer.print(event)
                if printer.isDone { return }
            }
            version = batch.last?.version ?? version
            if batch.isEmpty {
                if !follow { return }
                try await Task.sleep(for: .milliseconds(500))
            }
        }
    }
}

/// Prints events up to a limit.
private struct Printer {
    let limit: Int?
    let json: Bool
    let flushesEachLine: Bool
    var printed = 0

    var isDone: Bool { limit.map { printed >= $0 } ?? false }

    mutating func print(_ event: RecordedEvent) throws {
        Swift.print(json ? try EventLine.json(event) : try EventLine.text(event))
        if flushesEachLine { fflush(nil) }
        printed += 1
    }
}
