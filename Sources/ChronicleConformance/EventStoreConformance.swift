import Chronicle
import ChronicleSQL
import ChronicleTesting
import Testing

/// The checks every `EventStore` must pass, written once and run by every driver.
///
/// A driver's test target runs the whole list as one parameterized test, so all stores report
/// the same test names:
///
/// ```swift
/// @Suite("Conformance: SQLite")
/// struct SQLiteConformanceTests {
///     @Test(arguments: EventStoreConformance.Check.allCases)
///     func conformance(_ check: EventStoreConformance.Check) async throws {
///         try await EventStoreConformance { limits, body in
///             let store = try await SQLiteEventStore(path: temporaryPath(), limits: limits)
///             try await body(store)
///             try await store.close()
///         }.run(check)
///     }
/// }
/// ```
///
/// Every check starts from an empty store and is an independent function, so a failure names
/// the broken behaviour; its `sourceLocation` points at the driver's own test.
struct EventStoreConformance: Sendable {
    let scope: StoreScope

    /// Creates the suite for a driver.
    ///
    /// - Parameter withStore: Opens a new, empty store with the given limits, calls the body
    ///   with it, and closes it afterwards (also when the body throws).
    init(withStore: @escaping StoreScope) {
        self.scope = withStore
    }

    /// Runs one check.
    public func run(_ check: Check, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        switch check {
        case .appendsAndReadsBack: try await appendsAndReadsBack(sourceLocation: sourceLocation)
        case .roundTripsUnicode: try await roundTripsUnicode(sourceLocation: sourceLocation)
        case .roundTripsNestedJSON: try await roundTripsNestedJSON(sourceLocation: sourceLocation)
        case .roundTripsOneMegabytePayloads: try await roundTripsOneMegabytePayloads(sourceLocation: sourceLocation)
        case .roundTripsMetadata: try await roundTripsMetadata(sourceLocation: sourceLocation)
        case .stampsCreationTime: try await stampsCreationTime(sourceLocation: sourceLocation)
        case .expectsNoEvents: try await expectsNoEvents(sourceLocation: sourceLocation)
        case .expectsExactVersion: try await expectsExactVersion(sourceLocation: sourceLocation)
        case .expectsAnyVersion: try await expectsAnyVersion(sourceLocation: sourceLocation)
        case .reportsConflictDetails: try await reportsConflictDetails(sourceLocation: sourceLocation)
        case .rejectsEntityTypeMismatch: try await rejectsEntityTypeMismatch(sourceLocation: sourceLocation)
        case .rejectsDuplicateEventIDs: try await rejectsDuplicateEventIDs(sourceLocation: sourceLocation)
        case .appendsAllOrNothing: try await appendsAllOrNothing(sourceLocation: sourceLocation)
        case .readsStreamUpToVersion: try await readsStreamUpToVersion(sourceLocation: sourceLocation)
        case .ordersTheGlobalLog: try await ordersTheGlobalLog(sourceLocation: sourceLocation)
        case .readsLogFromPosition: try await readsLogFromPosition(sourceLocation: sourceLocation)
        case .readsAcrossBatchBoundaries: try await readsAcrossBatchBoundaries(sourceLocation: sourceLocation)
        case .reportsHeadPosition: try await reportsHeadPosition(sourceLocation: sourceLocation)
        case .admitsOneWinnerPerVersion: try await admitsOneWinnerPerVersion(sourceLocation: sourceLocation)
        case .ordersConcurrentAppendsAtAnyVersion: try await ordersConcurrentAppendsAtAnyVersion(sourceLocation: sourceLocation)
        case .appendsToManyEntitiesInParallel: try await appendsToManyEntitiesInParallel(sourceLocation: sourceLocation)
        case .decidesEachOfManyConcurrentAppends: try await decidesEachOfManyConcurrentAppends(sourceLocation: sourceLocation)
        case .readsUnknownEventTypes: try await readsUnknownEventTypes(sourceLocation: sourceLocation)
        case .decodesRegisteredEvents: try await decodesRegisteredEvents(sourceLocation: sourceLocation)
        case .rejectsEmptyEventType: try await rejectsEmptyEventType(sourceLocation: sourceLocation)
        case .rejectsInvalidStreamNames: try await rejectsInvalidStreamNames(sourceLocation: sourceLocation)
        case .rejectsNegativeExpectedVersion: try await rejectsNegativeExpectedVersion(sourceLocation: sourceLocation)
        case .rejectsNonJSONData: try await rejectsNonJSONData(sourceLocation: sourceLocation)
        case .rejectsUnstorableText: try await rejectsUnstorableText(sourceLocation: sourceLocation)
        case .rejectsOversizedPayloads: try await rejectsOversizedPayloads(sourceLocation: sourceLocation)
        case .rejectsMalformedAppends: try await rejectsMalformedAppends(sourceLocation: sourceLocation)
        case .rejectsInvalidReads: try await rejectsInvalidReads(sourceLocation: sourceLocation)
        }
    }

    /// Every check of the suite, by name.
    public enum Check: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// Appended events read back identical, per entity and in the log.
        case appendsAndReadsBack
        /// Unicode in data, metadata and entity ids survives byte for byte.
        case roundTripsUnicode
        /// Nested objects, arrays and every JSON number form survive.
        case roundTripsNestedJSON
        /// Events of 1 MB survive.
        case roundTripsOneMegabytePayloads
        /// Every metadata field and application keys of every JSON kind survive.
        case roundTripsMetadata
        /// The store stamps the append time, to the microsecond.
        case stampsCreationTime
        /// `.noEvents` admits only a new entity.
        case expectsNoEvents
        /// `.exactly(n)` admits only an entity at version n.
        case expectsExactVersion
        /// `.any` admits any version.
        case expectsAnyVersion
        /// A conflict names the entity, the expected and the actual version.
        case reportsConflictDetails
        /// An entity id used by another entity type is refused.
        case rejectsEntityTypeMismatch
        /// An event id that is already stored is refused.
        case rejectsDuplicateEventIDs
        /// A failing append leaves nothing behind.
        case appendsAllOrNothing
        /// An entity reads in version order, in batches, and up to a version.
        case readsStreamUpToVersion
        /// The log holds every event once, in append order.
        case ordersTheGlobalLog
        /// The log reads from any position.
        case readsLogFromPosition
        /// Batched reads neither skip nor repeat at batch boundaries.
        case readsAcrossBatchBoundaries
        /// The head position follows appends.
        case reportsHeadPosition
        /// 50 concurrent writers on one entity: one winner per version, no gaps.
        case admitsOneWinnerPerVersion
        /// 50 concurrent `.any` appends on one entity all land, in order.
        case ordersConcurrentAppendsAtAnyVersion
        /// Many entities appended in parallel keep their own versions.
        case appendsToManyEntitiesInParallel
        /// Hundreds of concurrent appends, many bound to fail, each get their own outcome.
        case decidesEachOfManyConcurrentAppends
        /// An unregistered event type reads raw and fails to decode clearly.
        case readsUnknownEventTypes
        /// Registered types decode; wrong schema versions and data fail clearly.
        case decodesRegisteredEvents
        /// An empty or malformed event type is refused.
        case rejectsEmptyEventType
        /// Empty or malformed entity types and ids are refused.
        case rejectsInvalidStreamNames
        /// A negative expected version is refused.
        case rejectsNegativeExpectedVersion
        /// Raw data that is not a JSON object is refused.
        case rejectsNonJSONData
        /// Strings no database can store in text (NUL, unpaired surrogates) are refused, naming where.
        case rejectsUnstorableText
        /// Data, metadata and batches over the configured limits are refused.
        case rejectsOversizedPayloads
        /// Empty appends, repeated ids, bad schema versions and reserved metadata keys are refused.
        case rejectsMalformedAppends
        /// Reads with a limit below one are refused.
        case rejectsInvalidReads

        /// The check's name, as shown in test output.
        public var testDescription: String { rawValue }
    }

    /// Runs the body on a new, empty store.
    func withStore(
        limits: EventLimits = EventLimits(), _ body: @Sendable (any EventStore) async throws -> Void
    ) async throws {
        try await scope(limits, body)
    }
}
