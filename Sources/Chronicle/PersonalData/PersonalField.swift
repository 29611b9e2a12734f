/// A field of an event type that holds personal data: where it is, whose it is, and what reads
/// show once its subject is forgotten.
///
/// An event type lists its personal fields in ``Event/personalFields``, a small table read once
/// when the store's protection is created:
///
/// ```swift
/// struct MeetingScheduled: Event {
///     static let eventType = "meeting.scheduled"
///     static let personalFields = [
///         PersonalField("title", of: .field("organizerID"), forgotten: "(forgotten)"),
///         PersonalField("notes", of: .field("organizerID"), forgotten: nil),
///     ]
///     var title: String
///     var notes: String?
///     var organizerID: Int
/// }
/// ```
///
/// The field's value may be any JSON value: a string, a number, an array or a nested object.
/// It is encrypted whole, and stored as an envelope under the same name (see
/// ``PersonalDataEnvelope``), so the stored row shows which fields are protected and by which key.
public struct PersonalField: Hashable, Sendable {
    /// The field's path in the event's JSON: a key, or keys joined by dots for a nested field
    /// (`"address.street"`).
    public var path: String

    /// Whose data the field is.
    public var subject: PersonalDataSubject

    /// What reads show instead of the value once the subject is forgotten: `nil` for an
    /// optional property, a placeholder string, or any default the Swift type decodes.
    public var forgotten: JSONValue

    /// Declares a personal field.
    ///
    /// - Parameters:
    ///   - path: The field's key in the event's JSON, or dotted keys for a nested field.
    ///   - subject: Whose data it is.
    ///   - forgotten: What reads show once the subject is forgotten.
    public init(_ path: String, of subject: PersonalDataSubject, forgotten: JSONValue) {
        self.path = path
        self.subject = subject
        self.forgotten = forgotten
    }

    /// The path's keys.
    package var keys: [String] { path.split(separator: ".", omittingEmptySubsequences: false).map(String.init) }
}

/// Whose data a ``PersonalField`` is: the id of a person (a user, a customer) whose key
/// encrypts it.
public enum PersonalDataSubject: Hashable, Sendable {
    /// The value of another field of the same event (a string or an integer), such as
    /// `"organizerID"`; dotted keys reach a nested field.
    case field(String)
    /// The id of the entity the event belongs to: for an entity that is a person.
    case entity
    /// The event's metadata ``EventMetadata/actor``: whoever caused the event.
    case actor
}
