import Chronicle
import Foundation
import Testing

extension EventStoreConformance {
    /// `.noEvents` admits only a new entity.
    public func expectsNoEvents(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await withStore { store in
            let stream = Self.stream("new")
            #expect(try await store.append([try Self.noted("a")], to: stream, expected: .noEvents).version == 1, sourceLocation: sourceLocation)
            let error = try await expectRefused(.wrongExpectedVersion, by: store, touching: [stream], "a second .noEvents", sourceLocation: sourceLocation) {
                try await store.append([try Self.noted("b")], to: stream, expected: .noEvents)
            }
            #expect(error?.actualVersion == 1, sourceLocation: sourceLocation)
            #expect(error?.expectedVersion == .noEvents, sourceLocation: sourceLocation)
            let other = Self.stream("other")
            #expect(try await store.append([try Self.noted("c")], to: other, expected: .exactly(0)).version == 1, ".exactly(0) means no events", sourceLocation: sourceLocation)
        }
    }

    /// `.exactly(n)` admits only an entity at version n.
    public func expectsExactVersion(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await withStore { store in
            let stream = Self.stream("exact")
            try await store.append([try Self.noted("a"), try Self.noted("b")], to: stream, expected: .noEvents)
            #expect(try await store.append([try Self.noted("c")], to: stream, expected: .exactly(2)).version == 3, sourceLocation: sourceLocation)
            for stale in [0, 1, 2, 4, 9] {
                let error = try await expectRefused(.wrongExpectedVersion, by: store, touching: [stream], ".exactly(\(stale)) at version 3", sourceLocation: sourceLocation) {
                    try await store.append([try Self.noted("d")], to: stream, expected: .exactly(stale))
                }
                #expect(error?.actualVersion == 3, sourceLocation: sourceLocation)
            }
            let fresh = Self.stream("fresh")
            let error = try await expectRefused(.wrongExpectedVersion, by: store, touching: [fresh], ".exactly(1) on a new entity", sourceLocation: sourceLocation) {
                try await store.append([try Self.noted("e")], to: fresh, expected: .exactly(1))
            }
            #expect(error?.actualVersion == 0, sourceLocation: sourceLocation)
        }
    }

    /// `.any` admits any version.
    public func expectsAnyVersion(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await withStore { store in
            let stream = Self.stream("any")
            let first = try await store.append([try Self.noted("a")], to: stream, expected: .any)
            let second = try await store.append([try Self.noted("b"), try Self.noted("c")], to: stream, expected: .any)
            #expect(first.version == 1 && second.version == 3, sourceLocation: sourceLocation)
            #expect(try await store.readStream(stream).map(\.version) == [1, 2, 3], sourceLocation: sourceLocation)
        }
    }

    /// A conflict names the entity, the expected and the actual version.
    public func reportsConflictDetails(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await withStore { store in
            let stream = Self.stream("conflict-42")
            try await store.append([try Self.noted("a"), try Self.noted("b")], to: stream, expected: .noEvents)
            let error = try await expectRefused(.wrongExpectedVersion, by: store, touching: [stream], "stale writer", sourceLocation: sourceLocation) {
                try await store.append([try Self.noted("c")], to: stream, expected: .exactly(1))
            }
            #expect(error?.stream == stream, sourceLocation: sourceLocation)
            #expect(error?.expectedVersion == .exactly(1), sourceLocation: sourceLocation)
            #expect(error?.actualVersion == 2, sourceLocation: sourceLocation)
            let text = error.map(String.init(describing:)) ?? ""
            #expect(text.contains("meeting/conflict-42") && text.contains("version 1") && text.contains("version 2"), "the message names entity and versions: \(text)", sourceLocation: sourceLocation)
        }
    }

    /// An entity id used by another entity type is refused.
    public func rejectsEntityTypeMismatch(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await withStore { store in
            let meeting = Self.stream("shared-id")
            let user = Self.stream("shared-id", type: "user")
            try await store.append([try Self.noted("a")], to: meeting, expected: .noEvents)
            for expected in [ExpectedVersion.any, .noEvents, .exactly(1)] {
                let error = try await expectRefused(.entityTypeMismatch, by: store, touching: [meeting, user], "user/shared-id at \(expected)", sourceLocation: sourceLocation) {
                    try await store.append([try Self.noted("b")], to: user, expected: expected)
                }
                #expect(error?.stream == user, sourceLocation: sourceLocation)
                #expect(error.map(String.init(describing:))?.contains("meeting") == true, sourceLocation: sourceLocation)
            }
            #expect(try await store.readStream(user).isEmpty, "the other type's events are not this stream's", sourceLocation: sourceLocation)
        }
    }

    /// An event id that is already stored is refused.
    public func rejectsDuplicateEventIDs(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await withStore { store in
            let first = Self.stream("first")
            let second = Self.stream("second")
            let original = try Self.noted("original")
            try await store.append([original], to: first, expected: .noEvents)
            var copy = try Self.noted("copy")
            copy.id = original.id
            for (stream, expected) in [(first, ExpectedVersion.any), (second, .noEvents)] {
                let error = try await expectRefused(.duplicateEventID, by: store, touching: [first, second], "the same id again on \(stream)", sourceLocation: sourceLocation) {
                    try await store.append([copy], to: stream, expected: expected)
                }
                #expect(error?.eventID == original.id, sourceLocation: sourceLocation)
            }
        }
    }

    /// A failing append leaves nothing behind.
    public func appendsAllOrNothing(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await withStore { store in
            let stream = Self.stream("atomic")
            let stored = try Self.noted("stored")
            try await store.append([stored], to: stream, expected: .noEvents)

            let fresh = [try Self.noted("fresh 1"), try Self.noted("fresh 2")]
            var clash = try Self.noted("clash")
            clash.id = stored.id
            try await expectRefused(.duplicateEventID, by: store, touching: [stream], "the third event of three has a stored id", sourceLocation: sourceLocation) {
                try await store.append(fresh + [clash], to: stream, expected: .exactly(1))
            }
            try await expectRefused(.invalidInput, by: store, touching: [stream], "the third event of three is not JSON", sourceLocation: sourceLocation) {
                try await store.append(fresh + [Self.raw("{broken")], to: stream, expected: .exactly(1))
            }
            let result = try await store.append(fresh, to: stream, expected: .exactly(1))
            #expect(result.events.map(\.version) == [2, 3], "the refused batches left no trace", sourceLocation: sourceLocation)
            #expect(try await store.readStream(stream).map(\.id) == [stored.id] + fresh.map(\.id), sourceLocation: sourceLocation)
        }
    }
}
