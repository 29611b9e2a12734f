import Chronicle
import ChronicleHummingbird
import ChronicleProjections
import Hummingbird

extension MeetingsAPI {
    /// `DELETE /users/{id}/personal-data`: users forget themselves. Their key is deleted, so the
    /// titles of the meetings they organize and their cancel reasons read as "(forgotten)": in
    /// the events, the history, and (as the read side applies the forgetting) every read table
    /// and queued mail. Other users' data is untouched.
    ///
    /// 200 with `{"forgotten": true|false, "message"}`: `false` says there was nothing of theirs
    /// encrypted (a user who never organized a meeting, or is already forgotten), and nothing
    /// was written. `Chronicle-Position` is the position of the forgetting, for read-your-writes.
    func forgetPersonalData(_ request: Request, _ context: MeetingsRequestContext) async throws -> Response {
        let user = try context.user()
        guard let id = Int(try context.parameters.require("id")), id == user else {
            throw ChronicleHTTPError(
                status: .forbidden, body: ChronicleHTTPError.error(code: "not_your_data", message: "You can only forget your own personal data."))
        }
        let report = try await app.forget(subject: String(user), by: DemoUsers.actor(user))
        // On SQLite, nothing of the deleted key may stay in the file's free pages.
        if report.wasKnown { try await app.store.vacuum() }
        var response = try JSONResponse.make(ForgetAnswer(forgotten: report.wasKnown, message: report.summary))
        response.setConsistency(version: nil, position: report.position)
        return response
    }
}

/// The answer of `DELETE /users/{id}/personal-data`.
struct ForgetAnswer: Encodable {
    var forgotten: Bool
    var message: String
}
