/// The people of the demo: `POST /sessions` issues tokens for them. Invitations may name any
/// positive user id; these are the ones with names.
public enum DemoUsers: Sendable {
    /// A demo user.
    public struct User: Sendable, Equatable {
        /// The user's id.
        public let id: Int
        /// The user's name.
        public let name: String
    }

    /// Every demo user, by id.
    public static let all: [User] = [
        User(id: 1, name: "Ada"), User(id: 2, name: "Grace"), User(id: 3, name: "Linus"),
        User(id: 4, name: "Margaret"), User(id: 5, name: "Alan"), User(id: 6, name: "Barbara"),
    ]

    /// The demo users who may open the event browser (`/admin/events`): Ada and Grace.
    public static let admins: Set<Int> = [1, 2]

    /// The demo users who may also retry and rebuild projections there: Ada.
    public static let operators: Set<Int> = [1]

    /// The account of the integration demo: another service that follows the event feed
    /// (`GET /feed/events`) with every field. It takes part in no meeting.
    public static let integration = User(id: 100, name: "Integration")

    /// The demo user with an id (the integration account included), if any.
    public static func user(_ id: Int) -> User? {
        id == integration.id ? integration : all.first { $0.id == id }
    }

    /// A user's name, or `user 42` for ids outside the demo.
    public static func name(_ id: Int) -> String {
        user(id)?.name ?? "user \(id)"
    }

    /// The actor recorded in events' metadata for a user: `user:42`.
    static func actor(_ id: Int) -> String {
        "user:\(id)"
    }

    /// The user id of an actor string, if it is one.
    static func userID(actor: String?) -> Int? {
        guard let actor, actor.hasPrefix("user:") else { return nil }
        return Int(actor.dropFirst(5))
    }
}
