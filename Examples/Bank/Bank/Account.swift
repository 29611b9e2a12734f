public import Chronicle

/// An account was opened for its holder.
public struct AccountOpened: Event {
    /// The event type: `account.opened`.
    public static let eventType = "account.opened"
    /// Who holds the account.
    public var holder: String

    /// An opening for `holder`.
    public init(holder: String) { self.holder = holder }
}

/// Money was paid in.
public struct MoneyDeposited: Event {
    /// The event type: `account.deposited`.
    public static let eventType = "account.deposited"
    /// The amount, in cents.
    public var amount: Int

    /// A deposit of `amount` cents.
    public init(amount: Int) { self.amount = amount }
}

/// Money was taken out.
public struct MoneyWithdrawn: Event {
    /// The event type: `account.withdrawn`.
    public static let eventType = "account.withdrawn"
    /// The amount, in cents.
    public var amount: Int

    /// A withdrawal of `amount` cents.
    public init(amount: Int) { self.amount = amount }
}

/// A bank account: whether it is open, and its balance in cents.
public struct Account: Aggregate {
    /// The entity type: `account`.
    public static let entityType = "account"
    /// The holder, once the account is open.
    public var holder: String?
    /// The balance, in cents.
    public var balance = 0

    /// An account not yet opened.
    public init() {}

    /// Folds openings, deposits and withdrawals.
    public static let handlers = EventHandlers<Account> {
        On(AccountOpened.self) { event, account in account.holder = event.holder }
        On(MoneyDeposited.self) { event, account in account.balance += event.amount }
        On(MoneyWithdrawn.self) { event, account in account.balance -= event.amount }
    }
}

/// Why the bank refuses a command.
public enum BankError: String, DomainError {
    case alreadyOpen = "account_already_open"
    case notOpen = "account_not_open"
    case insufficientFunds = "insufficient_funds"

    /// The machine code, such as `insufficient_funds`.
    public var code: String { rawValue }
    /// What a person reads.
    public var message: String {
        switch self {
        case .alreadyOpen: "The account is already open."
        case .notOpen: "The account is not open."
        case .insufficientFunds: "The balance does not cover the withdrawal."
        }
    }
}

/// Opens an account.
public struct OpenAccount: Command {
    /// The account.
    public typealias Target = Account
    /// Opening creates the account.
    public static let createsEntity = true
    /// The holder: not blank, at most 100 characters.
    public var holder: String

    /// The command for `holder`.
    public init(holder: String) { self.holder = holder }

    /// The field rules.
    public static let schema = Schema<OpenAccount> { Field(\.holder, "holder") { NotBlank(); Length(max: 100) } }

    /// The events, or the rule it breaks.
    public func decide(_ account: Account, context: CommandContext) throws -> [any Event] {
        guard account.holder == nil else { throw BankError.alreadyOpen }
        return [AccountOpened(holder: holder)]
    }
}

/// Pays money in, in cents.
public struct Deposit: Command {
    /// The account.
    public typealias Target = Account
    /// The amount in cents: 1 to 1,000,000.
    public var amount: Int

    /// The command for `amount`.
    public init(amount: Int) { self.amount = amount }

    /// The field rules.
    public static let schema = Schema<Deposit> { Field(\.amount, "amount") { Between(1...1_000_000) } }

    /// The events, or the rule it breaks.
    public func decide(_ account: Account, context: CommandContext) throws -> [any Event] {
        guard account.holder != nil else { throw BankError.notOpen }
        return [MoneyDeposited(amount: amount)]
    }
}

/// Takes money out, in cents, never below zero.
public struct Withdraw: Command {
    /// The account.
    public typealias Target = Account
    /// The amount in cents: 1 to 1,000,000.
    public var amount: Int

    /// The command for `amount`.
    public init(amount: Int) { self.amount = amount }

    /// The field rules.
    public static let schema = Schema<Withdraw> { Field(\.amount, "amount") { Between(1...1_000_000) } }

    /// The events, or the rule it breaks.
    public func decide(_ account: Account, context: CommandContext) throws -> [any Event] {
        guard account.holder != nil else { throw BankError.notOpen }
        guard account.balance >= amount else { throw BankError.insufficientFunds }
        return [MoneyWithdrawn(amount: amount)]
    }
}
