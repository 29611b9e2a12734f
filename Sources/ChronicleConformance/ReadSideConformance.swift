import Chronicle
import ChronicleProjections
import ChronicleSQL
import ChronicleTesting
import Foundation
import SQLKit
import Testing

/// The checks every `SQLEventStore` must pass with a
/// `ReadSide`: inline and async projections, failures, crashes, reactors and
/// their receipts, and offline and online rebuilds.
///
/// ```swift
/// @Test(arguments: ReadSideConformance.Check.allCases)
/// func readSide(_ check: ReadSideConformance.Check) async throws {
///     try await ReadSideConformance(withStore: Self.store).run(check)
/// }
/// ```
struct ReadSideConformance: Sendable {
    let scope: SQLStoreScope

    /// Creates the suite for a driver whose store is a projection database.
    init(withStore: @escaping SQLStoreScope) {
        self.scope = withStore
    }

    /// Every check of the suite, by name.
    public enum Check: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// An inline projection's rows are written in the append's transaction.
        case appliesInlineProjectionsWithTheAppend
        /// A failing inline handler fails the append: no event, no row.
        case rollsBackInlineProjectionsWithTheAppend
        /// Appends with inline projections made at the same time are written (grouped where the
        /// store groups them), each with its rows; one whose projection fails fails alone.
        case groupsInlineAppendsAndFailsOnlyTheFailingOne
        /// Async projections follow the log in batches.
        case followsTheLogWithAsyncProjections
        /// A failing async projection stops at its event and retries; the others go on.
        case stopsAFailingProjectionAndRetries
        /// A runner stopped in the middle of a batch leaves rows and checkpoint agreeing.
        case survivesAStopInTheMiddleOfABatch
        /// A reactor's effects happen once each, across retries and restarts.
        case reactsOnceWithReceipts
        /// A reactor reads state as of its event and writes rows with its receipt, once.
        case reactsWithStateAtTheEventAndWritesWithItsReceipt
        /// A reactor never sees events from before its registration.
        case reactsOnlyToEventsAfterRegistration
        /// Rebuilds call no reactor.
        case callsNoReactorDuringRebuilds
        /// An offline rebuild makes the same tables as following the log.
        case rebuildsOffline
        /// An online rebuild keeps the live tables serving, takes new events, then swaps.
        case rebuildsOnlineWhileServing
        /// An interrupted online rebuild resumes, or is discarded without touching the live tables.
        case resumesOrDiscardsAnInterruptedRebuild
        /// A new version needs a rebuild, which swaps it in.
        case rebuildsToANewVersion
        /// Commands executed by reactors name the event that caused them.
        case linksReactorCommandsToTheirCause
        /// A projection added to an existing log is built from it.
        case buildsNewProjectionsFromTheLog
        /// Row changes, batched and combined per row, leave the tables their SQL would.
        case appliesRowChangesAsTheirSQLWould
        /// Inline row changes do too, combined over an append's events.
        case appliesInlineRowChangesAsTheirSQLWould
        /// Batches larger than a statement or the buffer are written whole.
        case writesLargeBatchesOfRowChanges
        /// An inline row change that cannot be written fails the append whole.
        case failsInlineRowChangesWithTheAppend
        /// An async projection stops at row changes that cannot be written, writing none.
        case stopsAtRowChangesThatFail
        /// A row change to an undeclared table is refused with a clear error.
        case refusesInvalidRowChanges
        /// A stopping projection keeps the events before the one it fails at; an operator's skip
        /// lets it go on.
        case stopsAtAFailingEventKeepingTheEventsBefore
        /// A parking projection parks the event the database refuses and goes on; an operator's
        /// retry applies it once it succeeds.
        case parksAFailingEventAndGoesOn
        /// A skipping projection records the failing event as skipped and goes on, live.
        case skipsAFailingEventByPolicy
        /// A runner that gets past a recorded failure with nothing left to apply reports live.
        case forgetsAFailureItHasGotPast
        /// A parking reactor parks a failing effect and goes on; a retry does it once.
        case parksAFailingReactionAndGoesOn
        /// Rebuilds park by the policy, or fail at the event and leave the tables as they were.
        case rebuildsByTheErrorPolicy
        /// Projections and application migrations that name the store's tables are refused; the
        /// log is untouched.
        case refusesToTouchTheStoresTables
        /// A projection's table never replaces a table its bookkeeping did not create.
        case leavesTablesItDidNotCreate
        /// Appends that would skip an inline projection are refused, alone or grouped.
        case refusesAppendsThatSkipInlineProjections
        /// A projection table defined for other dialects only is refused before anything is
        /// created; one defined for the store's dialect is created.
        case refusesTablesNotDefinedForTheDialect
        /// The event browser's queries find stored events by type, entity type, time, id and
        /// correlation id, newest first and paged.
        case findsStoredEventsByWhatOperatorsLookFor

        /// Two nodes on one database: one runs each projection and reactor, the other stands
        /// by; every event is applied and mailed once; shutdown releases the leases.
        case runsEachConsumerOnOneNode
        /// A lease another node holds unexpired is left alone; once expired (its holder died),
        /// it is taken over and the failover counted.
        case takesOverAnExpiredLease
        /// A node whose lease another node took commits no more batches, even before its own
        /// heartbeat tells it: each batch checks the lease in its transaction.
        case commitsNothingUnderALeaseItLost
        /// A reactor and a projection of 4 partitions on three nodes: the nodes share the
        /// partitions of each out (2, 1 and 1), every event is handled exactly once and each
        /// entity's in order, and each checkpoint is its partitions' lowest.
        case sharesAPartitionedReactorAmongNodes
        /// A partitioned reactor that needs the log's global order is refused.
        case refusesAPartitionedReactorThatNeedsGlobalOrder
        /// A projection in 4 partitions ends equal to the same projection in one, live, after
        /// an online rebuild (its partitions replayed side by side) that stopped at a failing
        /// event and resumed, after an offline rebuild, and rebuilt in 3 partitions.
        case rebuildsAPartitionedProjectionLikeAnUnpartitionedOne
        /// A partitioned projection that needs the log's global order, or runs inline, is
        /// refused, and nothing is set up.
        case refusesAPartitionedProjectionThatCannotRun
        /// A partition stopped at a failing event keeps the reactor's failure recorded while the
        /// other partitions move on, and clears it once past.
        case keepsAPartitionsFailureUntilItIsPast

        /// The check's name, as shown in test output.
        public var testDescription: String { rawValue }
    }

    /// Runs one check.
    public func run(_ check: Check, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await scope(EventLimits()) { store in
            let database = store
            let suite = ReadSideChecks(database: database, sourceLocation: sourceLocation)
            switch check {
            case .appliesInlineProjectionsWithTheAppend: try await suite.appliesInlineProjectionsWithTheAppend()
            case .rollsBackInlineProjectionsWithTheAppend: try await suite.rollsBackInlineProjectionsWithTheAppend()
            case .groupsInlineAppendsAndFailsOnlyTheFailingOne: try await suite.groupsInlineAppendsAndFailsOnlyTheFailingOne()
            case .followsTheLogWithAsyncProjections: try await suite.followsTheLogWithAsyncProjections()
            case .stopsAFailingProjectionAndRetries: try await suite.stopsAFailingProjectionAndRetries()
            case .survivesAStopInTheMiddleOfABatch: try await suite.survivesAStopInTheMiddleOfABatch()
            case .reactsOnceWithReceipts: try await suite.reactsOnceWithReceipts()
            case .reactsWithStateAtTheEventAndWritesWithItsReceipt: try await suite.reactsWithStateAtTheEventAndWritesWithItsReceipt()
            case .reactsOnlyToEventsAfterRegistration: try await suite.reactsOnlyToEventsAfterRegistration()
            case .callsNoReactorDuringRebuilds: try await suite.callsNoReactorDuringRebuilds()
            case .rebuildsOffline: try await suite.rebuildsOffline()
            case .rebuildsOnlineWhileServing: try await suite.rebuildsOnlineWhileServing()
            case .resumesOrDiscardsAnInterruptedRebuild: try await suite.resumesOrDiscardsAnInterruptedRebuild()
            case .rebuildsToANewVersion: try await suite.rebuildsToANewVersion()
            case .linksReactorCommandsToTheirCause: try await suite.linksReactorCommandsToTheirCause()
            case .buildsNewProjectionsFromTheLog: try await suite.buildsNewProjectionsFromTheLog()
            case .appliesRowChangesAsTheirSQLWould: try await suite.appliesRowChangesAsTheirSQLWould()
            case .appliesInlineRowChangesAsTheirSQLWould: try await suite.appliesInlineRowChangesAsTheirSQLWould()
            case .writesLargeBatchesOfRowChanges: try await suite.writesLargeBatchesOfRowChanges()
            case .failsInlineRowChangesWithTheAppend: try await suite.failsInlineRowChangesWithTheAppend()
            case .stopsAtRowChangesThatFail: try await suite.stopsAtRowChangesThatFail()
            case .refusesInvalidRowChanges: try await suite.refusesInvalidRowChanges()
            case .stopsAtAFailingEventKeepingTheEventsBefore: try await suite.stopsAtAFailingEventKeepingTheEventsBefore()
            case .parksAFailingEventAndGoesOn: try await suite.parksAFailingEventAndGoesOn()
            case .skipsAFailingEventByPolicy: try await suite.skipsAFailingEventByPolicy()
            case .forgetsAFailureItHasGotPast: try await suite.forgetsAFailureItHasGotPast()
            case .parksAFailingReactionAndGoesOn: try await suite.parksAFailingReactionAndGoesOn()
            case .rebuildsByTheErrorPolicy: try await suite.rebuildsByTheErrorPolicy()
            case .refusesToTouchTheStoresTables: try await suite.refusesToTouchTheStoresTables()
            case .leavesTablesItDidNotCreate: try await suite.leavesTablesItDidNotCreate()
            case .refusesAppendsThatSkipInlineProjections: try await suite.refusesAppendsThatSkipInlineProjections()
            case .refusesTablesNotDefinedForTheDialect: try await suite.refusesTablesNotDefinedForTheDialect()
            case .findsStoredEventsByWhatOperatorsLookFor: try await suite.findsStoredEventsByWhatOperatorsLookFor()
            case .runsEachConsumerOnOneNode: try await suite.runsEachConsumerOnOneNode()
            case .takesOverAnExpiredLease: try await suite.takesOverAnExpiredLease()
            case .commitsNothingUnderALeaseItLost: try await suite.commitsNothingUnderALeaseItLost()
            case .sharesAPartitionedReactorAmongNodes: try await suite.sharesAPartitionedReactorAmongNodes()
            case .refusesAPartitionedReactorThatNeedsGlobalOrder: try await suite.refusesAPartitionedReactorThatNeedsGlobalOrder()
            case .rebuildsAPartitionedProjectionLikeAnUnpartitionedOne: try await suite.rebuildsAPartitionedProjectionLikeAnUnpartitionedOne()
            case .refusesAPartitionedProjectionThatCannotRun: try await suite.refusesAPartitionedProjectionThatCannotRun()
            case .keepsAPartitionsFailureUntilItIsPast: try await suite.keepsAPartitionsFailureUntilItIsPast()
            }
        }
    }
}
