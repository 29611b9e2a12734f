import ChronicleBrowser
import ChronicleHummingbird
import Hummingbird
import MeetingsDomain

extension MeetingsAPI {
    /// The event browser at `/admin/events`, for the admins (``DemoUsers/admins``); its retry
    /// and rebuild buttons for the operators (``DemoUsers/operators``). The page signs in with
    /// a cookie the browser's pages accept, as well as the bearer header.
    func addBrowser(to router: Router<MeetingsRequestContext>) {
        let authentication = Authentication(tokens: tokens)
        let browser = EventBrowser<MeetingsRequestContext>(app: app, aggregates: [BrowsableAggregate(Meeting.self)]) { request, _ in
            let userID = try await authentication.userID(of: request, acceptingQueryToken: false, acceptingCookie: true)
            guard DemoUsers.admins.contains(userID) else {
                throw ChronicleHTTPError.forbidden("Only admins (Ada and Grace) may browse the events.")
            }
        } authorizeOperations: { request, _ in
            let userID = try await authentication.userID(of: request, acceptingQueryToken: false, acceptingCookie: true)
            guard DemoUsers.operators.contains(userID) else {
                throw ChronicleHTTPError.forbidden("Only operators (Ada) may retry or rebuild projections.")
            }
            return DemoUsers.actor(userID)
        }
        browser.addRoutes(to: router, atPath: "/admin/events")
    }
}
