import Chronicle
import ChronicleTesting
import Foundation
import Testing

/// The checks every `SnapshotStore` must pass, written once and run by every driver.
///
/// ```swift
/// @Test(arguments: SnapshotStoreConformance.Check.allCases)
/// func snapshots(_ check: SnapshotStoreConformance.Check) async throws {
///     try await SnapshotStoreConformance { limits, body in … }.run(check)
/// }
/// ```
struct SnapshotStoreConformance: Sendable {
    let scope: SnapshotStoreScope

    /// Creates the suite for a driver whose store is also a snapshot store.
    ///
    /// - Parameter withStore: Opens a new, empty store, calls the body with it, and closes it.
    init(withStore: @escaping SnapshotStoreScope) {
        self.scope = withStore
    }

    /// Every check of the suite, by name.
    public enum Check: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// An entity without snapshots has none.
        case findsNothingWithoutSnapshots
        /// The highest version of a schema is kept; a lower one does not replace it.
        case keepsTheNewestSnapshot
        /// A snapshot of another schema replaces the kept one, whatever its version.
        case replacesSnapshotsOfAnotherSchema
        /// Entity types are kept apart.
        case keepsEntityTypesApart
        /// Deleting by entity type, or everything.
        case deletesSnapshots
        /// The state's JSON reads back byte for byte.
        case roundTripsState
        /// A snapshot no store keeps (version 0, state that is not JSON or holds `\u0000`) is
        /// refused as invalid input, and the one kept stays.
        case refusesSnapshotsNoStoreKeeps

        /// The check's name, as shown in test output.
        public var testDescription: String { rawValue }
    }

    /// Runs one check.
    public func run(_ check: Check, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await scope(EventLimits()) { store in
            try await run(check, on: store, sourceLocation: sourceLocation)
        }
    }

    private func run(_ check: Check, on store: any SnapshotStore, sourceLocation: SourceLocation) async throws {
        let meeting = StreamName(entityType: "meeting", entityID: "m-1")
        func snapshot(_ stream: StreamName = meeting, version: Int, schema: String = "1", state: String = #"{"n":1}"#) -> Snapshot {
            Snapshot(stream: stream, version: version, schema: schema, state: Data(state.utf8))
        }
        switch check {
        case .findsNothingWithoutSnapshots:
            #expect(try await store.snapshot(of: meeting) == nil, sourceLocation: sourceLocation)

        case .keepsTheNewestSnapshot:
            try await store.saveSnapshot(snapshot(version: 10))
            try await store.saveSnapshot(snapshot(version: 20, state: #"{"n":20}"#))
            try await store.saveSnapshot(snapshot(version: 15, state: #"{"n":15}"#))
            #expect(try await store.snapshot(of: meeting) == snapshot(version: 20, state: #"{"n":20}"#), sourceLocation: sourceLocation)

        case .replacesSnapshotsOfAnotherSchema:
            try await store.saveSnapshot(snapshot(version: 20))
            try await store.saveSnapshot(snapshot(version: 5, schema: "2"))
            #expect(try await store.snapshot(of: meeting) == snapshot(version: 5, schema: "2"), sourceLocation: sourceLocation)

        case .keepsEntityTypesApart:
            try await store.saveSnapshot(snapshot(version: 3))
            #expect(try await store.snapshot(of: StreamName(entityType: "user", entityID: "m-1")) == nil, sourceLocation: sourceLocation)

        case .deletesSnapshots:
            let user = StreamName(entityType: "user", entityID: "u-1")
            try await store.saveSnapshot(snapshot(version: 3))
            try await store.saveSnapshot(snapshot(user, version: 4))
            try await store.deleteSnapshots(entityType: "meeting")
            #expect(try await store.snapshot(of: meeting) == nil, sourceLocation: sourceLocation)
            #expect(try await store.snapshot(of: user) != nil, sourceLocation: sourceLocation)
            try await store.deleteSnapshots(entityType: nil)
            #expect(try await store.snapshot(of: user) == nil, sourceLocation: sourceLocation)

        case .roundTripsState:
            let state = #"{ "title" : "Réunion ☕ \"quoted\"", "big": 9007199254740993, "list": [1, 2.5, null] }"#
                + String(repeating: " ", count: 100_000)
            try await store.saveSnapshot(snapshot(version: 7, state: state))
            #expect(try await store.snapshot(of: meeting)?.state == Data(state.utf8), sourceLocation: sourceLocation)

        case .refusesSnapshotsNoStoreKeeps:
            let kept = snapshot(version: 2)
            try await store.saveSnapshot(kept)
            let refused = [
                (snapshot(version: 0), "its version is 0"), (snapshot(version: 3, state: #"{"n":"#), "its state is not valid JSON"),
                (snapshot(version: 3, state: #"{"n":"a\u0000"}"#), "its state holds a NUL character"),
            ]
            for (bad, problem) in refused {
                let error = await #expect(throws: EventStoreError.self, sourceLocation: sourceLocation) { try await store.saveSnapshot(bad) }
                #expect(error?.code == .invalidInput && error?.message.contains(problem) == true, "\(String(describing: error))", sourceLocation: sourceLocation)
            }
            #expect(try await store.snapshot(of: meeting) == kept, "nothing was written", sourceLocation: sourceLocation)
        }
    }
}
