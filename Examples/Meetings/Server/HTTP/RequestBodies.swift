import ChronicleHummingbird
import Foundation

/// `POST /sessions`.
struct SessionBody: StrictRequestBody {
    var userID: Int
    enum CodingKeys: String, CodingKey, CaseIterable { case userID = "user_id" }
}

/// `POST /meetings`.
struct ScheduleBody: StrictRequestBody {
    var title: String
    var startsAt: Date
    var durationMinutes: Int?
    var inviteeIDs: [Int]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case title, startsAt = "starts_at", durationMinutes = "duration_minutes", inviteeIDs = "invitee_ids"
    }
}

/// `POST /meetings/{id}/reschedule`.
struct RescheduleBody: StrictRequestBody {
    var startsAt: Date
    enum CodingKeys: String, CodingKey, CaseIterable { case startsAt = "starts_at" }
}

/// `POST /meetings/{id}/cancel`.
struct CancelBody: StrictRequestBody {
    var reason: String?
    enum CodingKeys: String, CodingKey, CaseIterable { case reason }
}

/// The body of `accept`, `decline` and `finish`: nothing, or `{}`.
struct EmptyBody: StrictRequestBody {
    /// No keys at all.
    struct CodingKeys: CodingKey, CaseIterable {
        static var allCases: [CodingKeys] { [] }
        var stringValue: String { "" }
        var intValue: Int? { nil }
        init?(stringValue: String) { nil }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        _ = try decoder.container(keyedBy: CodingKeys.self)
    }
}
