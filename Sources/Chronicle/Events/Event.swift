/// A fact that happened to an entity, stored forever in the event log.
///
/// An event is a value named in the past tense (`MeetingScheduled`, `InvitationAccepted`).
/// Its ``eventType`` is the stable name stored in the `event_type` column: it must never
/// change once events of that type are stored, so renaming the Swift type is safe but renaming
/// the event type is a schema change. Its ``schemaVersion`` says which JSON shape the type
/// encodes; it starts at 1 and grows whenever the shape changes.
///
/// ```swift
/// struct MeetingScheduled: Event {
///     static let eventType = "meeting.scheduled"
///     var title: String
///     var startsAt: Date
/// }
/// ```
///
/// Events are encoded to JSON with ``EventCoder``; the JSON of an event must be an object.
public protocol Event: Codable, Sendable {
    /// The stable name stored with every event of this type, for example `"meeting.scheduled"`.
    static var eventType: String { get }

    /// The version of this type's JSON shape. Defaults to 1.
    static var schemaVersion: Int { get }

    /// The fields of this type that hold personal data, each with the subject it belongs to
    /// and what reads show once that subject is forgotten. Defaults to none.
    ///
    /// A store configured with personal-data protection encrypts these fields on append with
    /// the subject's key; see ``PersonalField``.
    static var personalFields: [PersonalField] { get }

    /// How the type's keys are stored: as declared, or in snake_case. As declared unless the
    /// type says otherwise.
    static var storedKeys: EventKeyStyle { get }
}

extension Event {
    /// The version of this type's JSON shape: 1 unless the type says otherwise.
    public static var schemaVersion: Int { 1 }

    /// The fields of this type that hold personal data: none unless the type says otherwise.
    public static var personalFields: [PersonalField] { [] }

    /// The keys as declared.
    public static var storedKeys: EventKeyStyle { .asDeclared }
}
