public import Foundation

/// The identifier of one entity, typed by the kind of entity it identifies.
///
/// The phantom type keeps a meeting's id from being passed where a user's id is expected,
/// while the stored value is a plain string (the `entity_id` column).
///
/// ```swift
/// let meetingID = EntityID<Meeting>.random()        // a lowercase UUID string
/// let userID: EntityID<User> = "user-7"
/// ```
public struct EntityID<Entity>: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    /// The identifier as stored in the `entity_id` column.
    public var rawValue: String

    /// Creates an identifier from its stored string.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Creates an identifier from its stored string.
    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    /// Creates an identifier from a UUID, stored in its lowercase form.
    public init(_ uuid: UUID) {
        self.rawValue = uuid.uuidString.lowercased()
    }

    /// Creates an identifier from an integer, stored in its decimal form.
    public init(_ number: Int) {
        self.rawValue = String(number)
    }

    /// Creates an identifier from a string literal.
    public init(stringLiteral value: String) {
        self.rawValue = value
    }

    /// Creates a new identifier from a random UUID.
    public static func random() -> Self {
        Self(UUID())
    }

    /// The stored string.
    public var description: String { rawValue }

    /// Decodes an identifier from a single string.
    public init(from decoder: any Decoder) throws {
        self.rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    /// Encodes the identifier as a single string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
