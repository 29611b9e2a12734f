/// The one way an append is written: prepare → group commit → retry lost races → recorded
/// events → announce.
///
/// A driver keeps one pipeline and hands it its ``AppendWriter``, which does only the database
/// work:
///
/// ```swift
/// let pipeline = AppendPipeline<MyEventStore>(maximumGroups: 4, maximumEvents: 1_000)
///
/// func append(_ events: [NewEvent], to stream: StreamName, expected: ExpectedVersion) async throws -> AppendResult {
///     try await pipeline.append(PreparedAppend(events, to: stream, expected: expected, limits: limits, now: now()), by: self)
/// }
/// ```
///
/// Appends that arrive while others are being written wait and are then written together: one
/// statement and one commit for a group of appends to different entities, each still checked
/// against its own expected version. An append with work in its transaction (the inline
/// projections' rows) is grouped too, unless the driver says otherwise: its group is one
/// transaction in which each member's append and work run in a savepoint of their own, so a
/// member whose work fails fails alone, with nothing of it written, and the others commit.
public struct AppendPipeline<Writer: AppendWriter>: Sendable {
    /// One append waiting for its turn, with the work that goes in its transaction.
    @usableFromInline
    struct Member: GroupCommitMember {
        @usableFromInline let append: PreparedAppend
        @usableFromInline let locks: [String]
        @usableFromInline let work: (@Sendable (Writer.Transaction, AppendResult) async throws -> Void)?

        @inlinable
        init(append: PreparedAppend, locks: [String], work: (@Sendable (Writer.Transaction, AppendResult) async throws -> Void)?) {
            self.append = append
            self.locks = locks
            self.work = work
        }
    }

    // The pipeline's code is inlinable so that it is specialized for each driver's writer in the
    // driver's module, instead of running generically on every append.
    @usableFromInline let groupCommit: GroupCommit<Member>
    @usableFromInline let groupsAppendsWithWork: Bool

    /// Creates a pipeline.
    ///
    /// - Parameters:
    ///   - maximumGroups: How many appends or groups are written at a time. At least 1.
    ///   - maximumEvents: The most events in one group; a larger append is written alone.
    ///   - groupsAppendsWithWork: Whether appends with work in their transaction are grouped
    ///     too. Grouping them saves commits, but runs the members' work one after another on one
    ///     connection, with a savepoint each. That pays where every commit waits for the disk in
    ///     turn (SQLite). A server that flushes concurrent commits together by itself
    ///     (PostgreSQL) gains nothing from it, and its appends wait longer: there, pass `false`,
    ///     and each such append gets a transaction of its own at once. Default: `true`.
    @inlinable
    public init(maximumGroups: Int, maximumEvents: Int, groupsAppendsWithWork: Bool = true) {
        self.groupCommit = GroupCommit(maximumGroups: maximumGroups, maximumEvents: maximumEvents)
        self.groupsAppendsWithWork = groupsAppendsWithWork
    }

    /// Writes an append, alone or with others, and announces it.
    ///
    /// - Throws: The writer's ``EventStoreError``; at ``ExpectedVersion/any`` a race lost to
    ///   another writer is tried again first.
    @inlinable
    public func append(_ append: PreparedAppend, by writer: Writer) async throws -> AppendResult {
        try await run(Member(append: append, locks: [], work: nil), by: writer)
    }

    /// Writes an append and runs work in the same transaction, holding the named locks shared,
    /// alone or with others (each in a savepoint of its own), and announces it.
    ///
    /// - Parameters:
    ///   - append: The append.
    ///   - locks: The locks to hold shared: those of the inline projections the work applies.
    ///   - writer: The driver.
    ///   - work: The work, given the transaction and the recorded events. When it throws,
    ///     nothing of the append is written and the append fails with its error.
    @inlinable
    public func append(
        _ append: PreparedAppend, sharingLocksOf locks: [String], by writer: Writer,
        within work: @escaping @Sendable (Writer.Transaction, AppendResult) async throws -> Void
    ) async throws -> AppendResult {
        try await run(Member(append: append, locks: locks, work: work), by: writer)
    }

    @inlinable
    func run(_ member: Member, by writer: Writer) async throws -> AppendResult {
        let result: AppendResult
        if member.work != nil, !groupsAppendsWithWork {
            result = try await Self.writeAlone(member, by: writer)
        } else {
            result = try await groupCommit.append(
                member,
                writeAlone: { member in try await Self.writeAlone(member, by: writer) },
                writeGroup: { members in await Self.writeGroup(members, by: writer) })
        }
        writer.announceAppend()
        return result
    }

    /// One append the usual way, tried again while it loses races at any version.
    @inlinable
    static func writeAlone(_ member: Member, by writer: Writer) async throws -> AppendResult {
        try await member.append.retryingLostRaces {
            guard let work = member.work else { return try await writer.write(member.append) }
            return try await writer.withTransaction(
                sharingLocksOf: member.locks, reservingPositionsFor: member.append.entries.count
            ) { transaction in
                let result = try await writer.write(member.append, in: transaction, applyingInlineProjections: true)
                try await work(transaction, result)
                return result
            }
        }
    }

    /// Several appends at once: one statement when none has work, else one transaction with a
    /// savepoint per member.
    @inlinable
    static func writeGroup(_ members: [Member], by writer: Writer) async -> [AppendOutcome] {
        guard members.contains(where: { $0.work != nil }) else { return await writer.write(group: members.map(\.append)) }
        return await writeInOneTransaction(members, by: writer)
    }

    /// Several appends in one transaction, each in a savepoint of its own.
    @inlinable
    static func writeInOneTransaction(_ members: [Member], by writer: Writer) async -> [AppendOutcome] {
        do {
            let locks = Set(members.flatMap(\.locks)).sorted()
            let events = members.reduce(0) { $0 + $1.append.entries.count }
            return try await writer.withTransaction(sharingLocksOf: locks, reservingPositionsFor: events) { transaction in
                var outcomes: [AppendOutcome] = []
                outcomes.reserveCapacity(members.count)
                for member in members {
                    outcomes.append(await write(member, in: transaction, by: writer))
                }
                return outcomes
            }
        } catch {
            // The transaction failed as a whole, perhaps in its commit: the callers get the error.
            return members.map { _ in .failed(error) }
        }
    }

    /// One member of a group in a savepoint: written; refused (nothing written, written alone
    /// later) when its expectation does not hold; failed when its work fails.
    @inlinable
    static func write(_ member: Member, in transaction: Writer.Transaction, by writer: Writer) async -> AppendOutcome {
        do {
            return .written(try await writer.withSavepoint(in: transaction) {
                let result: AppendResult
                do {
                    result = try await writer.write(member.append, in: transaction, applyingInlineProjections: member.work != nil)
                } catch {
                    throw Refusal(error: error)
                }
                try await member.work?(transaction, result)
                return result
            })
        } catch let refusal as Refusal {
            return EventStoreError.isUnavailable(refusal.error) ? .failed(refusal.error) : .refused
        } catch {
            return .failed(error)
        }
    }

    /// The append itself, not its work, failed in a group.
    @usableFromInline
    struct Refusal: Error {
        @usableFromInline let error: any Error

        @inlinable
        init(error: any Error) {
            self.error = error
        }
    }
}

extension AppendWriter {
    /// Writes appends to different entities in one transaction, each in a savepoint of its own,
    /// with ``withTransaction(sharingLocksOf:reservingPositionsFor:_:)``,
    /// ``withSavepoint(in:_:)`` and ``write(_:in:applyingInlineProjections:)``: one commit for
    /// the group. A driver that can write a group with one statement implements
    /// ``write(group:)`` itself.
    @inlinable
    public func write(group appends: [PreparedAppend]) async -> [AppendOutcome] {
        await AppendPipeline<Self>.writeInOneTransaction(
            appends.map { AppendPipeline<Self>.Member(append: $0, locks: [], work: nil) }, by: self)
    }
}
