import Chronicle
import ChronicleProjections
import ChronicleSQL
import Foundation
import SQLKit
import Testing

/// The read-side check of appends with inline projections made at the same time.
extension ReadSideChecks {
    func groupsInlineAppendsAndFailsOnlyTheFailingOne() async throws {
        let readSide = makeReadSide(inline: [BalancesProjection(), UnluckyDepositsProjection()])
        try await readSide.migrate()
        let store = readSide.eventStore
        let outcomes = try await withThrowingTaskGroup(of: (Int, (any Error)?).self) { group in
            for amount in 1...40 {
                group.addTask {
                    do {
                        try await move(amount, "account-\(amount)", in: store)
                        return (amount, nil)
                    } catch {
                        return (amount, error)
                    }
                }
            }
            var outcomes: [Int: (any Error)?] = [:]
            for try await (amount, error) in group { outcomes[amount] = error }
            return outcomes
        }
        let failed = outcomes.filter { $0.value != nil }
        #expect(failed.map(\.key) == [13], "only the append whose projection fails fails: \(failed)", sourceLocation: sourceLocation)
        #expect((failed[13] as? ReadSideError)?.code == .handlerFailed, "\(String(describing: failed[13]))", sourceLocation: sourceLocation)

        let written = (1...40).filter { $0 != 13 }
        let log = try await database.readCommittedLog(after: 0, limit: 100)
        #expect(log.map(\.stream.entityID).sorted() == written.map { "account-\($0)" }.sorted(), "every other append is written once", sourceLocation: sourceLocation)
        #expect(
            try await balances() == written.map { Balance(account: "account-\($0)", balance: $0, entries: 1) }.sorted { $0.account < $1.account },
            "with its rows, and no row of the failed one", sourceLocation: sourceLocation)
        let unlucky = try await database.withReadConnection { sql in
            try await sql.raw("SELECT position, amount FROM unlucky ORDER BY position").all().map {
                (try $0.decode(column: "position", as: Int64.self), try $0.decode(column: "amount", as: Int.self))
            }
        }
        #expect(unlucky.map(\.0) == log.map(\.position), "each written event has its row, at its position", sourceLocation: sourceLocation)
        #expect(unlucky.map(\.1).sorted() == written, sourceLocation: sourceLocation)
    }
}
