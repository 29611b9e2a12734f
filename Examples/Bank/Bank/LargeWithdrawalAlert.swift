public import ChronicleProjections

/// Records an alert for every withdrawal of 1,000.00 or more, with the balance it left: once
/// per withdrawal, in the reaction's own transaction, and never during a rebuild.
public struct LargeWithdrawalAlert: Reactor {
    /// The reactor's name.
    public static let name = "large-withdrawal-alert"
    /// The smallest withdrawal that raises an alert, in cents.
    public static let threshold = 100_000

    /// The reactor.
    public init() {}

    /// An alert per large withdrawal.
    public var handlers: EventHandlers<ReactionContext> {
        EventHandlers {
            On(MoneyWithdrawn.self) { event, reaction in
                guard event.amount >= Self.threshold else { return }
                let account = try await reaction.stateAtEvent(of: Account.self)
                let id = reaction.event.stream.entityID
                reaction.write { sql in
                    try await sql.insert(into: "alerts")
                        .columns("account", "amount", "balance_after")
                        .values(SQLBind(id), SQLBind(event.amount), SQLBind(account.state.balance))
                        .run()
                }
            }
            Ignore(AccountOpened.self)
            Ignore(MoneyDeposited.self)
        }
    }
}
