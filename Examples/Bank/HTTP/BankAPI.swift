import Bank
public import ChronicleHTTP
public import ChronicleProjections
public import Foundation
import HTTPTypes

/// The bank's HTTP API, whatever serves it: what each route does with its parsed request, and
/// the JSON it answers. `BankHummingbird` and `BankVapor` route requests here, so both answer
/// alike; the shared HTTP behaviour suite checks that they do.
///
/// | route | answers |
/// |---|---|
/// | `POST /accounts` `{"account_id", "holder"}` | 201, the account, `ETag`, `Chronicle-Position` |
/// | `GET /accounts/{id}` | the account and its `ETag` |
/// | `POST /accounts/{id}/deposits` `{"amount"}`, `If-Match` | the account, `ETag`, `Chronicle-Position` |
/// | `POST /accounts/{id}/withdrawals` `{"amount"}`, `If-Match` | the same |
/// | `GET /accounts/{id}/statement`, `Chronicle-Min-Position` | `{"entries": [{"position", "kind", "amount"}]}` (async) |
/// | `GET /feed/events`, `GET /feed/events/stream` | the event feed, with `Authorization: Bearer <feed token>` |
public struct BankAPI: Sendable {
    /// The application.
    public let app: EventSourcedApp
    /// The bearer token the event feed asks for.
    public let feedToken: String

    /// Creates the API over an application.
    public init(app: EventSourcedApp, feedToken: String) {
        self.app = app
        self.feedToken = feedToken
    }

    /// What a write answers: the account, its version (`ETag`) and the position of its last
    /// event (`Chronicle-Position`).
    public struct Written: Sendable {
        /// The account after the write.
        public var account: AccountView
        /// The account's version.
        public var version: Int
        /// The position of the write's last event.
        public var position: Int64?
    }

    /// `POST /accounts`.
    public func open(_ body: OpenAccountBody, metadata: EventMetadata) async throws -> Written {
        try await write(OpenAccount(holder: body.holder), on: body.accountID, expected: .any, metadata: metadata)
    }

    /// `POST /accounts/{id}/deposits`.
    ///
    /// - Parameters:
    ///   - body: The amount.
    ///   - id: The account.
    ///   - ifMatch: The `If-Match` header, if any.
    ///   - metadata: The request's metadata.
    public func deposit(_ body: AmountBody, into id: String, ifMatch: String?, metadata: EventMetadata) async throws -> Written {
        try await write(Deposit(amount: body.amount), on: id, expected: try await expected(id, ifMatch), metadata: metadata)
    }

    /// `POST /accounts/{id}/withdrawals`.
    ///
    /// - Parameters:
    ///   - body: The amount.
    ///   - id: The account.
    ///   - ifMatch: The `If-Match` header, if any.
    ///   - metadata: The request's metadata.
    public func withdraw(_ body: AmountBody, from id: String, ifMatch: String?, metadata: EventMetadata) async throws -> Written {
        try await write(Withdraw(amount: body.amount), on: id, expected: try await expected(id, ifMatch), metadata: metadata)
    }

    /// `GET /accounts/{id}`: the account and its version.
    public func account(_ id: String) async throws -> (account: AccountView, version: Int) {
        let loaded = try await app.aggregates().load(Account.self, id: EntityID(id))
        guard let holder = loaded.state.holder else { throw Self.notFound(id) }
        return (AccountView(accountID: id, holder: holder, balance: loaded.state.balance), loaded.version)
    }

    /// `GET /accounts/{id}/statement`: the entries the async projection has written.
    public func statement(_ id: String) async throws -> StatementView {
        let entries = try await app.read { sql in
            try await sql.select().columns("position", "kind", "amount").from("statement_entries")
                .where("account", .equal, id).orderBy("position").all()
                .map { row in
                    StatementView.Entry(
                        position: try row.decode(column: "position", as: Int64.self), kind: try row.decode(column: "kind", as: String.self),
                        amount: try row.decode(column: "amount", as: Int.self))
                }
        }
        return StatementView(accountID: id, entries: entries)
    }

    /// Who reads the event feed: anyone with the feed token, seeing every event.
    ///
    /// - Parameter authorization: The `Authorization` header, if any.
    /// - Throws: 401 `unauthorized` without the token.
    public func feedConsumer(authorization: String?) throws -> EventFeedConsumer {
        guard authorization == "Bearer \(feedToken)" else { throw ChronicleHTTPError.unauthorized("A bearer token is required.") }
        return EventFeedConsumer(name: "bank-feed")
    }

    private func expected(_ id: String, _ ifMatch: String?) async throws -> ExpectedVersion {
        guard ifMatch != nil else { return .any }
        return try ChronicleHeaders.expectedVersion(ifMatch: ifMatch, currentVersion: try await account(id).version)
    }

    private func write<C: Command>(_ command: C, on id: String, expected: ExpectedVersion, metadata: EventMetadata) async throws -> Written
    where C.Target == Account {
        let result: CommandResult<Account>
        do {
            result = try await app.aggregates().execute(command, on: EntityID(id), expected: expected, metadata: metadata)
        } catch let error as EventStoreError where error.code == .entityNotFound {
            throw Self.notFound(id)
        }
        let account = AccountView(accountID: id, holder: result.state.holder ?? "", balance: result.state.balance)
        return Written(account: account, version: result.version, position: result.position)
    }

    private static func notFound(_ id: String) -> ChronicleHTTPError {
        ChronicleHTTPError(status: .notFound, body: ChronicleHTTPError.error(code: "not_found", message: "No account \(id)."))
    }

    /// The JSON of a response body, keys sorted.
    public static func json(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try encoder.encode(value)
    }
}

/// `POST /accounts`: the new account's id and its holder.
public struct OpenAccountBody: StrictRequestBody, Sendable {
    /// The account's id, chosen by the client.
    public var accountID: String
    /// Who holds it.
    public var holder: String

    /// The body's fields.
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case accountID = "account_id", holder
    }
}

/// `POST /accounts/{id}/deposits` and `…/withdrawals`: an amount in cents.
public struct AmountBody: StrictRequestBody, Sendable {
    /// The amount, in cents.
    public var amount: Int

    /// The body's fields.
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case amount
    }
}

/// An account as the API shows it.
public struct AccountView: Codable, Sendable {
    /// The account's id.
    public var accountID: String
    /// Who holds it.
    public var holder: String
    /// The balance, in cents.
    public var balance: Int

    enum CodingKeys: String, CodingKey {
        case accountID = "account_id", holder, balance
    }
}

/// An account's statement as the API shows it.
public struct StatementView: Codable, Sendable {
    /// One deposit or withdrawal.
    public struct Entry: Codable, Sendable {
        /// The event's position in the log.
        public var position: Int64
        /// `deposit` or `withdrawal`.
        public var kind: String
        /// The amount, in cents.
        public var amount: Int
    }

    /// The account's id.
    public var accountID: String
    /// Its entries, in the order of the log.
    public var entries: [Entry]

    enum CodingKeys: String, CodingKey {
        case accountID = "account_id", entries
    }
}
