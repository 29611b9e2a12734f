import Chronicle
import ChronicleProjections
import Testing

extension ReadSideChecks {
    /// `count` movements over `accounts` accounts, round and round, each account starting with
    /// a deposit.
    func moveAcross(_ count: Int, accounts: Int, in store: any EventStore) async throws -> [Move] {
        var moves: [Move] = []
        for index in 0..<count {
            let account = "acc-\(index % accounts)"
            let amount = index >= accounts && index % 4 == 3 ? -2 : index % 5 + 1
            let result = try await move(amount, account, in: store)
            moves.append(Move(account: account, amount: amount, position: result.position, eventID: result.events[0].id))
        }
        return moves
    }

    /// Expects both account-history tables to hold each account's movements once each, in order.
    private func expectHistories(after moves: [Move], _ when: String) async throws {
        let expected = AccountHistory.expected(after: moves)
        let whole = try await AccountHistory.rows(of: AccountHistoryProjection.name, in: database)
        let split = try await AccountHistory.rows(of: SplitAccountHistoryProjection<FourPartitions>.name, in: database)
        #expect(whole == expected, "\(when): the projection in one partition: \(whole)", sourceLocation: sourceLocation)
        #expect(split == expected, "\(when): the partitioned projection: \(split)", sourceLocation: sourceLocation)
    }

    func rebuildsAPartitionedProjectionLikeAnUnpartitionedOne() async throws {
        let split = SplitAccountHistoryProjection<FourPartitions>()
        let name = SplitAccountHistoryProjection<FourPartitions>.name
        let readSide = makeReadSide(async: [AccountHistoryProjection(), split])
        try await readSide.migrate()
        var moves = try await moveAcross(80, accounts: 16, in: readSide.eventStore)
        try await running(readSide) {
            try await waitUntilCaughtUp(readSide, AccountHistoryProjection.name, name)
            try await expectHistories(after: moves, "run")

            // An online rebuild stops where one partition fails; the others went on to the end
            // of their batch. Resumed, each partition goes on from its own checkpoint. (The failing
            // event fails twice: in its batch, then alone.)
            await split.faults.fail(at: moves[50].position, times: 2)
            await #expect(throws: ReadSideError.self, sourceLocation: sourceLocation) {
                try await readSide.rebuild(name, mode: .online)
            }
            let stopped = try await readSide.status().projections.first { $0.name == name }?.rebuildPosition
            #expect(stopped != nil && stopped! < moves[50].position, "stopped before the failing event: \(String(describing: stopped))", sourceLocation: sourceLocation)
            moves += try await moveAcross(20, accounts: 16, in: readSide.eventStore)
            try await readSide.rebuild(name, mode: .online)
            moves += try await moveAcross(10, accounts: 16, in: readSide.eventStore)
            try await waitUntilCaughtUp(readSide, AccountHistoryProjection.name, name)
            try await expectHistories(after: moves, "resumed online rebuild")

            try await readSide.rebuild(name, mode: .offline)
            moves += try await moveAcross(10, accounts: 16, in: readSide.eventStore)
            try await waitUntilCaughtUp(readSide, AccountHistoryProjection.name, name)
            try await expectHistories(after: moves, "offline rebuild")
        }

        // Another number of partitions: the tables need a rebuild, and are right after it.
        let resplit = makeReadSide(async: [AccountHistoryProjection(), SplitAccountHistoryProjection<ThreePartitions>()])
        let status = try await resplit.status()
        let state = status.projections.first { $0.name == name }?.state
        #expect(state == .needsRebuild, "in 3 partitions instead of 4: \(String(describing: state))", sourceLocation: sourceLocation)
        #expect(
            status.problems.contains { $0.contains(name) && $0.contains("number of partitions") }, "says why: \(status.problems)",
            sourceLocation: sourceLocation)
        try await resplit.rebuild(name, mode: .online)
        try await running(resplit) {
            moves += try await moveAcross(10, accounts: 16, in: resplit.eventStore)
            try await waitUntilCaughtUp(resplit, AccountHistoryProjection.name, name)
        }
        try await expectHistories(after: moves, "rebuilt in 3 partitions")
    }

    func refusesAPartitionedProjectionThatCannotRun() async throws {
        let globallyOrdered = makeReadSide(async: [GloballyOrderedSplitProjection()])
        let unordered = await #expect(throws: ReadSideError.self, sourceLocation: sourceLocation) { try await globallyOrdered.migrate() }
        #expect(unordered?.code == .invalidDefinition, sourceLocation: sourceLocation)
        #expect(
            unordered?.message.contains(GloballyOrderedSplitProjection.name) == true && unordered?.message.contains("EventOrdering.perEntity") == true,
            "names the projection and the fix: \(String(describing: unordered))", sourceLocation: sourceLocation)
        let rebuild = await #expect(throws: ReadSideError.self, sourceLocation: sourceLocation) {
            try await globallyOrdered.rebuild(GloballyOrderedSplitProjection.name, mode: .online)
        }
        #expect(rebuild?.code == .invalidDefinition, "a rebuild refuses it too", sourceLocation: sourceLocation)

        let inline = makeReadSide(inline: [SplitAccountHistoryProjection<FourPartitions>()])
        let inlineError = await #expect(throws: ReadSideError.self, sourceLocation: sourceLocation) { try await inline.migrate() }
        #expect(inlineError?.code == .invalidDefinition, sourceLocation: sourceLocation)
        #expect(inlineError?.message.contains("inline") == true, "says why: \(String(describing: inlineError))", sourceLocation: sourceLocation)
        #expect(try await database.withReadConnection { sql in
            try await sql.raw("SELECT count(*) AS n FROM chronicle_projections").first()?.decode(column: "n", as: Int.self)
        } == 0, "nothing was set up", sourceLocation: sourceLocation)
    }
}

extension ReadSideChecks {
    /// Accounts whose events fall in a partition of 4 (`inPartition`), or in none of it.
    static func accounts(inPartition partition: Int, _ wanted: Bool, count: Int) -> [String] {
        var accounts: [String] = []
        var index = 0
        while accounts.count < count {
            let account = "acc-\(index)"
            if (Partitioning.partition(ofEntity: account, among: 4) == partition) == wanted { accounts.append(account) }
            index += 1
        }
        return accounts
    }

    func keepsAPartitionsFailureUntilItIsPast() async throws {
        let faults = Faults()
        let readSide = makeReadSide(reactors: [FaultyPartitionedReactor(faults: faults)])
        try await readSide.migrate()
        let stuck = Self.accounts(inPartition: 0, true, count: 1)[0]
        let others = Self.accounts(inPartition: 0, false, count: 6)
        try await running(readSide) {
            let failing = try await move(1, stuck, in: readSide.eventStore).position
            await faults.fail(at: failing, times: 1_000_000)
            try await waitUntil("the reactor records its partition's failure") {
                try await readSide.status().reactors.first?.state == .failing
            }
            // The other partitions react and move on; the failure stays recorded all along.
            var states: [ReactorStatus.State] = []
            for round in 0..<30 {
                try await move(1, others[round % others.count], in: readSide.eventStore)
                try await Task.sleep(for: .milliseconds(20))
                states.append(try await readSide.status().reactors.first?.state ?? .notMigrated)
            }
            #expect(states.allSatisfy { $0 == .failing }, "failing while its partition is stuck: \(states)", sourceLocation: sourceLocation)
            await faults.fail(at: failing, times: 0)
            try await waitUntilReactorCaughtUp(readSide)
            try await waitUntil("the failure is cleared") { try await readSide.status().reactors.first?.state == .live }
        }
    }
}
