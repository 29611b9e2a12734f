import ChronicleHummingbird
import ChronicleProjections
import ChronicleSQL
import Foundation
import Hummingbird
import SQLKit

extension MeetingsAPI {
    /// Adds the two routes that measure the HTTP stack's own ceiling, for `scripts/load-meetings`:
    /// they are behind the same token check as the API, and do as little as a route can.
    ///
    /// - `GET /ceiling/static`: a constant JSON object.
    /// - `GET /ceiling/meetings/{id}`: one `SELECT` of a meeting's title by primary key, as JSON.
    ///
    /// Not part of the API (`openapi.yaml` leaves them out): `meetings serve --ceiling-routes`
    /// adds them.
    func addCeilingRoutes(to router: Router<MeetingsRequestContext>) {
        let ceiling = router.group("/ceiling").add(middleware: Authentication(tokens: tokens))
        ceiling.get("/static") { _, _ in try JSONResponse.make(["status": "ok"]) }
        ceiling.get("/meetings/{id}") { _, context in
            let id = try Self.meetingID(context)
            let title = try await app.store.withReadConnection { sql in
                try await sql.raw("SELECT title FROM meetings WHERE id = \(bind: id)").first()?.decode(column: "title", as: String.self)
            }
            guard let title else { throw Self.meetingNotFound(id) }
            return try JSONResponse.make(["title": title])
        }
    }
}
