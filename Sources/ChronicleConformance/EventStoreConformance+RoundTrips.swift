import Chronicle
import Foundation
import Testing

extension EventStoreConformance {
    /// Appended events read back identical, per entity and in the log.
    public func appendsAndReadsBack(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await withStore { store in
            let stream = Self.stream("m-1")
            let first = try await store.append(
                [try Self.noted("one", 1), try Self.noted("two", 2)], to: stream, expected: .noEvents)
            #expect(first.events.map(\.version) == [1, 2], sourceLocation: sourceLocation)
            #expect(first.version == 2, sourceLocation: sourceLocation)
            let second = try await store.append([try Self.noted("three", 3)], to: stream, expected: .exactly(2))
            #expect(second.version == 3, sourceLocation: sourceLocation)
            #expect(second.position > first.position, sourceLocation: sourceLocation)

            let appended = first.events + second.events
            let read = try await store.readStream(stream)
            #expect(read == appended, "reading the entity returns exactly what the appends returned", sourceLocation: sourceLocation)
            let log = try await Self.collect(store.readLog())
            #expect(log == appended, "the log returns exactly what the appends returned", sourceLocation: sourceLocation)
            #expect(
                try read.map { try $0.decode(as: Noted.self) }
                    == [Noted(text: "one", number: 1), Noted(text: "two", number: 2), Noted(text: "three", number: 3)],
                sourceLocation: sourceLocation)
            #expect(
                read.allSatisfy { $0.stream == stream && $0.eventType == Noted.eventType && $0.schemaVersion == 1 },
                sourceLocation: sourceLocation)
            #expect(Set(read.map(\.id)).count == 3, "every event keeps its own id", sourceLocation: sourceLocation)
        }
    }

    /// Unicode in data, metadata and entity ids survives byte for byte. (Control characters
    /// other than NUL are kept; NUL is refused, see ``rejectsUnstorableText(sourceLocation:)``.)
    public func roundTripsUnicode(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let texts = [
            "café", "cafe\u{301}", "👩🏽‍💻 🇺🇦 ✓", "会議の議事録", "مرحبا بالعالم", "𝄞 𝕏",
            #""quotes" \ back\slash / slash"#, "line\nbreak\ttab\rreturn", "\u{1}\u{1F}\u{7F}",
            "\u{FEFF}bom \u{2028}\u{2029} \u{FFFD}",
        ]
        try await withStore { store in
            let stream = StreamName(entityType: "réunion", entityID: "会議-☕-\(UUID().uuidString)")
            let events = try texts.map { text in
                try Self.noted(text, text.count, metadata: EventMetadata(actor: text, custom: [text: .string(text)]))
            }
            let result = try await store.append(events, to: stream, expected: .noEvents)
            let read = try await store.readStream(stream)
            #expect(read == result.events, sourceLocation: sourceLocation)
            for (event, text) in zip(read, texts) {
                #expect(event.stream == stream, sourceLocation: sourceLocation)
                let decoded = try event.decode(as: Noted.self)
                #expect(Array(decoded.text.unicodeScalars) == Array(text.unicodeScalars), "\(text.debugDescription) survives", sourceLocation: sourceLocation)
                #expect(event.metadata.actor.map { Array($0.unicodeScalars) } == Array(text.unicodeScalars), sourceLocation: sourceLocation)
                #expect(event.metadata.custom[text] == .string(text), sourceLocation: sourceLocation)
            }
            #expect(zip(read, events).allSatisfy { $0.data == $1.data }, "data is stored byte for byte", sourceLocation: sourceLocation)
        }
    }

    /// Nested objects, arrays and every JSON number form survive.
    public func roundTripsNestedJSON(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let raw = """
            { "a" : {"b": {"c": [1, 2, {"d": [[], {}]}]}},
              "big": 9007199254740993, "negative": -42, "float": 3.14159, "huge": 1.5e300, "tiny": -2.5E-300,
              "zero": 0, "yes": true, "no": false, "nothing": null, "text": "x",
              "deep": [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]] }
            """
        let payload: JSONValue = [
            "list": [1, 2.5, "three", nil, true, ["nested": ["deeper": [[], [:]]]]],
            "max": .integer(Int64.max), "min": .integer(Int64.min), "empty": "",
        ]
        try await withStore { store in
            let stream = Self.stream("nested")
            let rawEvent = Self.raw(raw)
            let typedEvent = try NewEvent(Carried(payload: payload))
            try await store.append([rawEvent, typedEvent], to: stream, expected: .noEvents)
            let read = try await store.readStream(stream)
            try #require(read.count == 2, sourceLocation: sourceLocation)
            #expect(read[0].data == rawEvent.data, "raw JSON is kept byte for byte, whitespace included", sourceLocation: sourceLocation)
            #expect(try Self.json(read[0].data) == Self.json(rawEvent.data), sourceLocation: sourceLocation)
            #expect(try read[1].decode(as: Carried.self).payload == payload, sourceLocation: sourceLocation)
        }
    }

    /// Events of 1 MB survive.
    public func roundTripsOneMegabytePayloads(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz ÄÖÜ€💡\"\\\n0123456789")
        var generator = SystemRandomNumberGenerator()
        var text = ""
        while text.utf8.count < 1_000_000 {
            text.append(alphabet[Int.random(in: 0..<alphabet.count, using: &generator)])
        }
        let big = text
        try await withStore { store in
            let stream = Self.stream("big")
            let events = [try Self.noted(big, 1), try Self.noted(String(big.reversed()), 2)]
            #expect(events.allSatisfy { $0.data.count > 1_000_000 }, sourceLocation: sourceLocation)
            let result = try await store.append(events, to: stream, expected: .noEvents)
            let read = try await store.readStream(stream)
            #expect(read == result.events, sourceLocation: sourceLocation)
            #expect(try read[0].decode(as: Noted.self).text == big, sourceLocation: sourceLocation)
            let log = try await Self.collect(store.readLog(after: 0, batchSize: 1))
            #expect(log == result.events, sourceLocation: sourceLocation)
        }
    }

    /// Every metadata field and application keys of every JSON kind survive.
    public func roundTripsMetadata(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let full = EventMetadata(
            actor: "user-7",
            correlationID: "corr-\(UUID().uuidString)",
            causationID: UUID().uuidString.lowercased(),
            requestID: "req-42",
            custom: [
                "tenant": "acme", "retries": 3, "ratio": 0.25, "flags": [true, false, nil],
                "nested": ["a": ["b": "c"]], "unicode": "ünïcødé ✓", "max": .integer(Int64.max),
                "min": .integer(Int64.min), "empty_object": [:], "empty_array": [],
            ])
        try await withStore { store in
            let stream = Self.stream("meta")
            let result = try await store.append(
                [try Self.noted("full", metadata: full), try Self.noted("bare")], to: stream, expected: .noEvents)
            let read = try await store.readStream(stream)
            #expect(read == result.events, sourceLocation: sourceLocation)
            var expected = full
            expected.createdAt = read[0].metadata.createdAt
            #expect(read[0].metadata == expected, sourceLocation: sourceLocation)
            #expect(read[1].metadata == EventMetadata(createdAt: read[1].metadata.createdAt), "no field appears from nowhere", sourceLocation: sourceLocation)
        }
    }

    /// The store stamps the append time, to the microsecond.
    public func stampsCreationTime(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await withStore { store in
            let stream = Self.stream("time")
            let before = Timestamp.rounded(Date())
            let stamped = try await store.append(
                [try Self.noted("a"), try Self.noted("b")], to: stream, expected: .noEvents)
            let after = Date()
            let givenTime = Date(timeIntervalSince1970: 981_173_106.789_012_3)
            let given = try await store.append(
                [try Self.noted("c", metadata: EventMetadata(createdAt: givenTime))], to: stream, expected: .exactly(2))

            let read = try await store.readStream(stream)
            #expect(read == stamped.events + given.events, sourceLocation: sourceLocation)
            let stamp = try #require(read[0].metadata.createdAt, sourceLocation: sourceLocation)
            #expect(stamp >= before && stamp <= after, "stamped at append time: \(stamp) in \(before)...\(after)", sourceLocation: sourceLocation)
            #expect(read[1].metadata.createdAt == stamp, "one append, one time", sourceLocation: sourceLocation)
            #expect(read[2].metadata.createdAt.map(Timestamp.microseconds(since1970:)) == 981_173_106_789_012, "a given time is kept, to the microsecond", sourceLocation: sourceLocation)
        }
    }
}
