/// Gathers the appends that arrive while others are being written, so that they commit together:
/// one statement, one transaction and one durable commit for a group of appends to different
/// entities, instead of one each.
///
/// At most ``maximumGroups`` groups are written at a time. An append that finds one free writes
/// at once (alone, if nothing else waits: a single writer sees no delay); otherwise it waits, and
/// the appends that waited meanwhile form the next group when a group finishes. A group holds at
/// most one append per entity (the second waits for the next group) and at most
/// ``maximumEvents`` events; an append with more events than that is written alone.
///
/// Every append in a group keeps its own expectation: the driver's group statement writes the
/// appends whose expectation holds and reports the others as ``AppendOutcome/refused``, which are then
/// written alone, so that they fail (or, at `ExpectedVersion.any`, are tried again) exactly as a
/// single append does. A group statement that fails as a whole wrote nothing, and each of its
/// appends is written alone too.
@usableFromInline
package actor GroupCommit<Member: GroupCommitMember> {
    /// What an append waiting for its turn is told to do.
    @usableFromInline
    enum Turn: Sendable {
        /// Write this group (which starts with the append told); its number is handed back to
        /// ``finish(_:outcomes:)``.
        case write(group: Int, members: [Member])
        /// The leader of the append's group has finished it.
        case finished(AppendOutcome)
    }

    private struct Waiting {
        let member: Member
        let turn: CheckedContinuation<Turn, Never>
    }

    /// How many groups are written at a time.
    package let maximumGroups: Int
    /// The most events in one group.
    @usableFromInline package let maximumEvents: Int

    private var waiting: [Waiting] = []
    /// The groups being written, by number: their members other than the leader.
    private var writing: [Int: [Waiting]] = [:]
    private var nextGroup = 0

    /// Creates a group commit.
    ///
    /// - Parameters:
    ///   - maximumGroups: How many groups are written at a time: the store's parallelism for
    ///     appends. At least 1.
    ///   - maximumEvents: The most events in one group. At least 1.
    @usableFromInline
    package init(maximumGroups: Int, maximumEvents: Int) {
        self.maximumGroups = max(1, maximumGroups)
        self.maximumEvents = max(1, maximumEvents)
    }

    /// Appends with others that wait at the same time, or alone.
    ///
    /// - Parameters:
    ///   - member: The append (with whatever its writers need besides).
    ///   - writeAlone: Writes one append the usual way, with its own errors and retries.
    ///   - writeGroup: Writes several appends (to different entities) at once and tells what
    ///     became of each, in their order. It does not throw: a failure is an outcome.
    @inlinable
    nonisolated package func append(
        _ member: Member,
        writeAlone: @Sendable (Member) async throws -> AppendResult,
        writeGroup: @escaping @Sendable ([Member]) async -> [AppendOutcome]
    ) async throws -> AppendResult {
        guard member.append.entries.count <= maximumEvents else { return try await writeAlone(member) }
        let outcome: AppendOutcome
        switch await turn(for: member) {
        case .finished(let finished):
            outcome = finished
        case .write(let group, let members) where members.count == 1:
            let result: Result<AppendResult, any Error>
            do {
                result = .success(try await writeAlone(member))
            } catch {
                result = .failure(error)
            }
            _ = await finish(group, outcomes: [.refused])
            return try result.get()
        case .write(let group, let members):
            // The group is the work of all its members: the leader's cancellation does not stop it.
            let outcomes = await Task { await writeGroup(members) }.value
            outcome = await finish(group, outcomes: outcomes)
        }
        switch outcome {
        case .written(let result): return result
        case .refused: return try await writeAlone(member)
        case .failed(let error): throw error
        }
    }

    /// Waits until the append is written by its group's leader, or is to lead a group itself.
    @usableFromInline
    func turn(for member: Member) async -> Turn {
        await withCheckedContinuation { turn in
            waiting.append(Waiting(member: member, turn: turn))
            startGroups()
        }
    }

    /// Tells the group's other members what became of their appends, and starts the next groups.
    /// Returns the leader's own outcome.
    @usableFromInline
    func finish(_ group: Int, outcomes: [AppendOutcome]) -> AppendOutcome {
        let members = writing.removeValue(forKey: group) ?? []
        for (offset, member) in members.enumerated() {
            let outcome = offset + 1 < outcomes.count ? outcomes[offset + 1] : Self.missingOutcome
            member.turn.resume(returning: .finished(outcome))
        }
        startGroups()
        return outcomes.first ?? Self.missingOutcome
    }

    private static var missingOutcome: AppendOutcome {
        .failed(
            EventStoreError(code: .databaseFailure, message: "The group commit lost track of an append's outcome."))
    }

    /// Forms groups from the waiting appends, oldest first, while fewer than `maximumGroups` are
    /// being written, and tells each group's first append to write it.
    private func startGroups() {
        while writing.count < maximumGroups, !waiting.isEmpty {
            var members: [Waiting] = []
            var later: [Waiting] = []
            var entities: Set<String> = []
            var events = 0
            for candidate in waiting {
                let count = candidate.member.append.entries.count
                if events + count <= maximumEvents, entities.insert(candidate.member.append.stream.entityID).inserted {
                    members.append(candidate)
                    events += count
                } else {
                    later.append(candidate)
                }
            }
            waiting = later
            let group = nextGroup
            nextGroup += 1
            writing[group] = Array(members.dropFirst())
            members[0].turn.resume(returning: .write(group: group, members: members.map(\.member)))
        }
    }
}

/// What a group commit groups: an append, with whatever its writers need besides.
@usableFromInline
package protocol GroupCommitMember: Sendable {
    /// The append.
    var append: PreparedAppend { get }
}

extension PreparedAppend: GroupCommitMember {
    /// The append itself.
    @usableFromInline package var append: PreparedAppend { self }
}
