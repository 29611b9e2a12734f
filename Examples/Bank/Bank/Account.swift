public import Chronicle

/// An account was opened for its holder.
public struct AccountOpened: Event {
    public static let eventType = "account.opened"
    public var holder: String

    public init(holder: String) { self.holder = holder }
}

/// Money was paid in.
public struct MoneyDeposited: Event {
    public static let eventType = "account.deposited"
    public var amount: Int

    public init(amount: Int) { self.amount = amount }
}

/// Money was taken out.
public struct MoneyWithdrawn: Event {
    public static let eventType = "account.withdrawn"
    public var amount: Int

    public init(amount: Int) { self.amount = amount }
}

/// A bank account: whether it is open, and its balance in cents.
public struct Account: Aggregate {
    public static let entityType = "account"
    public var holder: String?
    public var balance = 0

    public init() {}

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

    public var code: String { rawValue }
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
    public typealias Target = Account
    public static let createsEntity = true
    public var holder: String

    public init(holder: String) { self.holder = holder }

    public static let schema = Schema<OpenAccount> { Field(\.holder, "holder") { NotBlank(); Length(max: 100) } }

    public func decide(_ account: Account, context: CommandContext) throws -> [any Event] {
        guard account.holder == nil else { throw BankError.alreadyOpen }
        return [AccountOpened(holder: holder)]
    }
}

/// Pays money in, in cents.
public struct Deposit: Command {
    public typealias Target = Account
    public var amount: Int

    public init(amount: Int) { self.amount = amount }

    public static let schema = Schema<Deposit> { Field(\.amount, "amount") { Between(1...1_000_000) } }

    public func decide(_ account: Account, context: CommandContext) throws -> [any Event] {
        guard account.holder != nil else { throw BankError.notOpen }
        return [MoneyDeposited(amount: amount)]
    }
}

/// Takes money out, in cents, never below zero.
public struct Withdraw: Command {
    public typealias Target = Account
    public var amount: Int

    public init(amount: Int) { self.amount = amount }

    public static let schema = Schema<Withdraw> { Field(\.amount, "amount") { Between(1...1_000_000) } }

    public func decide(_ account: Account, context: CommandContext) throws -> [any Event] {
        guard account.holder != nil else { throw BankError.notOpen }
        guard account.balance >= amount else { throw BankError.insufficientFunds }
        return [MoneyWithdrawn(amount: amount)]
    }
}
