import Chronicle
import ChronicleSQL
import Foundation
import Testing

extension EventStoreConformance {
    /// An empty or malformed event type is refused.
    public func rejectsEmptyEventType(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await withStore { store in
            let stream = Self.stream("typeless")
            for eventType in ["", " leading", "trailing ", "tab\tinside", String(repeating: "x", count: 256)] {
                let error = try await expectRefused(.invalidInput, by: store, touching: [stream], "event type \(eventType.debugDescription)", sourceLocation: sourceLocation) {
                    try await store.append([Self.raw("{}", type: eventType)], to: stream, expected: .any)
                }
                #expect(error?.message.contains("event type") == true, "\(String(describing: error))", sourceLocation: sourceLocation)
            }
            #expect(try await store.append([Self.raw("{}", type: String(repeating: "x", count: 255))], to: stream, expected: .any).version == 1, "255 bytes is allowed", sourceLocation: sourceLocation)
        }
    }

    /// Empty or malformed entity types and ids are refused.
    public func rejectsInvalidStreamNames(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await withStore { store in
            let invalid = [
                StreamName(entityType: "", entityID: "1"), StreamName(entityType: "meeting", entityID: ""),
                StreamName(entityType: " meeting", entityID: "1"), StreamName(entityType: "meeting", entityID: "line\nbreak"),
                StreamName(entityType: "meeting", entityID: String(repeating: "7", count: 256)),
                StreamName(entityType: String(repeating: "m", count: 256), entityID: "1"),
            ]
            for stream in invalid {
                try await expectRefused(.invalidInput, by: store, touching: [], "stream \(stream.description.debugDescription)", sourceLocation: sourceLocation) {
                    try await store.append([try Self.noted("a")], to: stream, expected: .any)
                }
            }
            let spaced = StreamName(entityType: "meeting", entityID: "room 101")
            #expect(try await store.append([try Self.noted("a")], to: spaced, expected: .noEvents).version == 1, "inner spaces are allowed", sourceLocation: sourceLocation)
        }
    }

    /// A negative expected version is refused.
    public func rejectsNegativeExpectedVersion(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await withStore { store in
            let stream = Self.stream("negative")
            for version in [-1, Int.min] {
                try await expectRefused(.invalidInput, by: store, touching: [stream], ".exactly(\(version))", sourceLocation: sourceLocation) {
                    try await store.append([try Self.noted("a")], to: stream, expected: .exactly(version))
                }
            }
        }
    }

    /// Raw data that is not a JSON object is refused.
    public func rejectsNonJSONData(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let notObjects: [(String, Data)] = [
            ("plain text", Data("not json".utf8)), ("nothing", Data()), ("an array", Data("[1,2,3]".utf8)),
            ("a string", Data(#""text""#.utf8)), ("a number", Data("42".utf8)), ("null", Data("null".utf8)),
            ("truncated JSON", Data(#"{"unterminated": "#.utf8)), ("trailing garbage", Data(#"{"a":1} extra"#.utf8)),
            ("invalid UTF-8", Data([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0x22, 0x7D])),
            ("a single quote", Data("{'a': 1}".utf8)),
        ]
        try await withStore { store in
            let stream = Self.stream("garbage")
            for (name, data) in notObjects {
                try await expectRefused(.invalidInput, by: store, touching: [stream], name, sourceLocation: sourceLocation) {
                    try await store.append([NewEvent(eventType: "conformance.raw", data: data)], to: stream, expected: .any)
                }
            }
        }
    }

    /// Strings no database can store faithfully in text (a NUL character, an unpaired surrogate
    /// escape) are refused wherever they are, naming where; look-alikes that are fine are kept.
    public func rejectsUnstorableText(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let refused: [(name: String, event: NewEvent, place: String)] = [
            ("NUL in a string", Self.raw(#"{"reason": "stop\u0000here"}"#), "reason"),
            ("NUL deep inside", Self.raw(#"{"a": [1, {"b": "ok"}, {"c": ["x", "\u0000"]}]}"#), "a[2].c[1]"),
            ("NUL in a key", Self.raw(#"{"k\u0000ey": 1}"#), "k"),
            ("a typed event with NUL", try Self.noted("cut\u{0}short"), "text"),
            ("NUL in metadata", try Self.noted("fine", metadata: EventMetadata(custom: ["note": .string("a\u{0}b")])), "note"),
            ("NUL in the actor", try Self.noted("fine", metadata: EventMetadata(actor: "user\u{0}7")), "actor"),
            ("a lone high surrogate", Self.raw(#"{"s": "\ud800"}"#), "s"),
            ("a lone low surrogate", Self.raw(#"{"s": ["\udc00x"]}"#), "s[0]"),
            ("a high surrogate before a non-surrogate", Self.raw(#"{"s": "\ud800\u0041"}"#), "s"),
        ]
        try await withStore { store in
            let stream = Self.stream("unstorable")
            for (name, event, place) in refused {
                let error = try await expectRefused(.invalidInput, by: store, touching: [stream], name, sourceLocation: sourceLocation) {
                    try await store.append([event], to: stream, expected: .any)
                }
                #expect(error?.message.contains(" at \(place)") == true, "\(name): the message names \(place): \(String(describing: error))", sourceLocation: sourceLocation)
            }
            // A backslash before "u0000" is text, and a surrogate pair is one character: both are kept.
            let kept = [Self.raw(#"{"s": "\\u0000", "t": "\ud83d\ude00", "u": "\u00e9\n"}"#)]
            let appended = try await store.append(kept, to: stream, expected: .noEvents)
            let read = try await store.readStream(stream)
            #expect(read == appended.events, sourceLocation: sourceLocation)
            #expect(
                try Self.json(read[0].data) == .object(["s": .string("\\u0000"), "t": .string("😀"), "u": .string("é\n")]),
                sourceLocation: sourceLocation)
        }
    }

    /// Data, metadata and batches over the configured limits are refused.
    public func rejectsOversizedPayloads(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let limits = EventLimits(maximumDataSize: 1_000, maximumMetadataSize: 300, maximumEventsPerAppend: 5)
        try await withStore(limits: limits) { store in
            let stream = Self.stream("limits")
            func object(ofSize size: Int) -> NewEvent {
                Self.raw(#"{"x":""# + String(repeating: "y", count: size - 8) + #""}"#)
            }
            #expect(object(ofSize: 1_000).data.count == 1_000, sourceLocation: sourceLocation)
            try await store.append([object(ofSize: 1_000)], to: stream, expected: .noEvents)
            let error = try await expectRefused(.invalidInput, by: store, touching: [stream], "1,001 bytes of data", sourceLocation: sourceLocation) {
                try await store.append([object(ofSize: 1_001)], to: stream, expected: .any)
            }
            #expect(error?.message.contains("1001") == true && error?.message.contains("1000") == true, "\(String(describing: error))", sourceLocation: sourceLocation)

            var chatty = try Self.noted("chatty")
            chatty.metadata.custom["note"] = .string(String(repeating: "z", count: 300))
            try await expectRefused(.invalidInput, by: store, touching: [stream], "metadata over 300 bytes", sourceLocation: sourceLocation) {
                try await store.append([chatty], to: stream, expected: .any)
            }
            let six = try (1...6).map { try Self.noted("\($0)") }
            try await expectRefused(.invalidInput, by: store, touching: [stream], "six events in one append", sourceLocation: sourceLocation) {
                try await store.append(six, to: stream, expected: .any)
            }
            #expect(try await store.append(Array(six.prefix(5)), to: stream, expected: .exactly(1)).version == 6, sourceLocation: sourceLocation)
        }
    }

    /// Empty appends, repeated ids, bad schema versions and reserved metadata keys are refused.
    public func rejectsMalformedAppends(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await withStore { store in
            let stream = Self.stream("malformed")
            try await expectRefused(.invalidInput, by: store, touching: [stream], "no events", sourceLocation: sourceLocation) {
                try await store.append([NewEvent](), to: stream, expected: .any)
            }
            let event = try Self.noted("twice")
            try await expectRefused(.invalidInput, by: store, touching: [stream], "one id twice in one append", sourceLocation: sourceLocation) {
                try await store.append([event, event], to: stream, expected: .any)
            }
            for schemaVersion in [0, -3, Int(Int32.max) + 1] {
                try await expectRefused(.invalidInput, by: store, touching: [stream], "schema version \(schemaVersion)", sourceLocation: sourceLocation) {
                    try await store.append([Self.raw("{}", schemaVersion: schemaVersion)], to: stream, expected: .any)
                }
            }
            for key in EventMetadata.reservedKeys.sorted() {
                try await expectRefused(.invalidInput, by: store, touching: [stream], "custom metadata key \(key)", sourceLocation: sourceLocation) {
                    try await store.append([try Self.noted("reserved", metadata: EventMetadata(custom: [key: "x"]))], to: stream, expected: .any)
                }
            }
        }
    }

    /// Reads with a limit below one are refused.
    public func rejectsInvalidReads(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await withStore { store in
            let stream = Self.stream("reads")
            try await store.append([try Self.noted("a")], to: stream, expected: .noEvents)
            for limit in [0, -1] {
                await expectFailure(.invalidInput, "readLog limit \(limit)", sourceLocation: sourceLocation) {
                    _ = try await store.readLog(after: 0, limit: limit)
                }
                await expectFailure(.invalidInput, "readStream limit \(limit)", sourceLocation: sourceLocation) {
                    _ = try await store.readStream(stream, after: 0, through: nil, limit: limit)
                }
            }
        }
    }
}
