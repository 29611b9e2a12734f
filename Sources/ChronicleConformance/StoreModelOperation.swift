import Chronicle
import ChronicleSQL
import Foundation
import PropertyBased

/// One step of a random run against a store: what ``StoreModelCheck`` generates, prints when a
/// run fails, and shrinks to the shortest run that still fails.
///
/// Versions and ids are described relative to the run so far (`current+1`, `id of stored
/// event 3`), so a printed run reads the same whatever store it failed on.
enum StoreOperation: Sendable, Hashable, CustomStringConvertible {
    /// One append.
    case append(AppendPlan)
    /// Appends to different entities at the same time.
    case appendConcurrently([AppendPlan])
    /// Reads an entity's events after a version, through a version or to the newest.
    case readStream(entity: Int, after: Int, through: Int?, limit: Int)
    /// Reads the log after the position of the run's n-th stored event (0: from the start).
    case readLog(afterEvent: Int, limit: Int)
    /// Saves a snapshot of an entity.
    case saveSnapshot(entity: Int, version: Int, schema: Int, state: Int)
    /// Loads an entity's snapshot.
    case loadSnapshot(entity: Int)

    /// The entities a run writes to: a few, so that appends meet. The last but one shares its
    /// id with the first under another type, which the store must refuse once either has events.
    static let entities: [StreamName] = [
        StreamName(entityType: "account", entityID: "a0"), StreamName(entityType: "account", entityID: "a1"),
        StreamName(entityType: "account", entityID: "a2"), StreamName(entityType: "ledger", entityID: "l0"),
        StreamName(entityType: "ledger", entityID: "a0"), StreamName(entityType: "account", entityID: "a3"),
    ]

    var description: String {
        switch self {
        case .append(let plan): "append \(plan)"
        case .appendConcurrently(let plans): "concurrently { \(plans.map { "append \($0)" }.joined(separator: "; ")) }"
        case .readStream(let entity, let after, let through, let limit):
            "read \(Self.entities[entity]) after version \(after)\(through.map { " through \($0)" } ?? "") limit \(limit)"
        case .readLog(let afterEvent, let limit): "read the log after stored event \(afterEvent) limit \(limit)"
        case .saveSnapshot(let entity, let version, let schema, let state):
            "save a snapshot of \(Self.entities[entity]) at version \(version), schema \(schema), state \(state)"
        case .loadSnapshot(let entity): "load the snapshot of \(Self.entities[entity])"
        }
    }
}

/// An append of a run.
struct AppendPlan: Sendable, Hashable, CustomStringConvertible {
    /// What the append expects of the entity's version.
    enum Expectation: Sendable, Hashable, CustomStringConvertible {
        case any
        case noEvents
        /// The version the model holds, plus an offset (-1, 0 or 1).
        case current(offset: Int)

        var description: String {
            switch self {
            case .any: "any"
            case .noEvents: "no events"
            case .current(let offset): offset == 0 ? "current" : "current\(offset > 0 ? "+" : "")\(offset)"
            }
        }
    }

    /// Where an event's id comes from.
    enum ID: Sendable, Hashable, CustomStringConvertible {
        /// A new id.
        case fresh
        /// The id of an event stored earlier in the run (the n-th, counting from 0, modulo how
        /// many there are; a new id when there are none).
        case stored(Int)
        /// The id of the event before it in the same append (a new id for the first).
        case previous

        var description: String {
            switch self {
            case .fresh: "new id"
            case .stored(let index): "id of stored event \(index)"
            case .previous: "id of the event before"
            }
        }
    }

    /// An event's text.
    enum Text: Sendable, Hashable, CustomStringConvertible {
        case plain(Int)
        /// Characters beyond ASCII, a line separator and an escaped quote.
        case unicode
        /// `\u0000`, which no database stores faithfully in text.
        case nul
        /// An unpaired surrogate escape, which is not Unicode text.
        case loneSurrogate

        var description: String {
            switch self {
            case .plain(let number): "\"note \(number)\""
            case .unicode: "unicode text"
            case .nul: "text with \\u0000"
            case .loneSurrogate: "text with \\ud800"
            }
        }

        /// The event's data: a JSON object with the text.
        var json: String {
            switch self {
            case .plain(let number): #"{"text":"note \#(number)"}"#
            case .unicode: "{\"text\":\"é 🙂 \u{2028} \\\"quoted\\\"\"}"
            case .nul: #"{"text":"a\u0000b"}"#
            case .loneSurrogate: #"{"text":"a\ud800b"}"#
            }
        }
    }

    var entity: Int
    var expected: Expectation
    var events: [(id: ID, text: Text)]

    var description: String {
        "\(events.count) event(s) [\(events.map { "\($0.id), \($0.text)" }.joined(separator: "; "))] to \(StoreOperation.entities[entity]) expecting \(expected)"
    }

    static func == (lhs: AppendPlan, rhs: AppendPlan) -> Bool {
        lhs.entity == rhs.entity && lhs.expected == rhs.expected && lhs.events.map(\.id) == rhs.events.map(\.id)
            && lhs.events.map(\.text) == rhs.events.map(\.text)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(entity)
        hasher.combine(expected)
        hasher.combine(events.map(\.id))
        hasher.combine(events.map(\.text))
    }
}

extension StoreOperation {
    /// The numbers one operation is made of. Generating these and mapping them keeps the
    /// library's shrinking: smaller numbers make simpler operations (plain appends at any
    /// version, new ids, plain text).
    struct Draw: Sendable {
        var kind: Int
        var entity: Int
        var count: Int
        var expectation: Int
        var id: Int
        var text: Int
        var first: Int
        var second: Int
    }

    /// Runs of 1 to `maximumLength` operations.
    static func runs(maximumLength: Int) -> Generator<[StoreOperation], some Sequence & SendableMetatype> {
        zip(
            Gen.int(in: 0...99), Gen.int(in: 0...(entities.count - 1)), Gen.int(in: 1...3), Gen.int(in: 0...9),
            Gen.int(in: 0...19), Gen.int(in: 0...19), Gen.int(in: 0...12), Gen.int(in: 0...9)
        )
        .map { kind, entity, count, expectation, id, text, first, second in
            StoreOperation(Draw(kind: kind, entity: entity, count: count, expectation: expectation, id: id, text: text, first: first, second: second))
        }
        .array(of: 1...maximumLength)
    }

    /// The operation some numbers stand for.
    init(_ draw: Draw) {
        switch draw.kind {
        case 0..<50: self = .append(Self.plan(draw, entity: draw.entity))
        case 50..<60:
            // Two to four appends to entities with different ids.
            var ids: Set<String> = []
            var plans: [AppendPlan] = []
            for offset in 0..<Self.entities.count where plans.count <= draw.count {
                let entity = (draw.entity + offset) % Self.entities.count
                guard ids.insert(Self.entities[entity].entityID).inserted else { continue }
                var varied = draw
                varied.first += offset
                varied.expectation = (draw.expectation + offset) % 10
                plans.append(Self.plan(varied, entity: entity))
            }
            self = .appendConcurrently(plans)
        case 60..<72:
            self = .readStream(
                entity: draw.entity, after: draw.first % 6, through: draw.second % 3 == 0 ? draw.first % 6 + draw.count : nil,
                limit: draw.second + 1)
        case 72..<84: self = .readLog(afterEvent: draw.first, limit: draw.second + 1)
        case 84..<93: self = .saveSnapshot(entity: draw.entity, version: draw.first % 7, schema: draw.id % 2, state: draw.second)
        default: self = .loadSnapshot(entity: draw.entity)
        }
    }

    private static func plan(_ draw: Draw, entity: Int) -> AppendPlan {
        let expected: AppendPlan.Expectation =
            switch draw.expectation {
            case 0..<4: .any
            case 4..<6: .noEvents
            case 6, 7: .current(offset: 0)
            case 8: .current(offset: -1)
            default: .current(offset: 1)
            }
        let events = (0..<draw.count).map { index -> (id: AppendPlan.ID, text: AppendPlan.Text) in
            // The draw's id and text apply to the last event; the others are plain.
            let isLast = index == draw.count - 1
            let id: AppendPlan.ID =
                switch isLast ? draw.id : 0 {
                case 0..<16: .fresh
                case 16..<18: .stored(draw.first)
                default: .previous
                }
            let text: AppendPlan.Text =
                switch isLast ? draw.text : 0 {
                case 0..<16: .plain(draw.first + index)
                case 16: .unicode
                case 17, 18: .nul
                default: .loneSurrogate
                }
            return (id, text)
        }
        return AppendPlan(entity: entity, expected: expected, events: events)
    }
}
