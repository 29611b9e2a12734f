import Chronicle
import ChronicleBrowser
import ChronicleHummingbird
import ChronicleProjections
import ChronicleSQLite
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Who may see the browser and use its buttons, and how it answers what it cannot show: HTML
/// pages with the status, over HTTP, without a browser.
@Suite struct BrowserAccessTests {
    /// Admits `X-Role: admin` (and `operator`), refuses other roles with 403 and no role with 401.
    static func authorize(_ request: Request, _ context: BasicRequestContext) throws {
        guard let role = request.headers[HTTPField.Name("X-Role")!] else { throw ChronicleHTTPError.unauthorized("Say who you are.") }
        guard role == "admin" || role == "operator" else { throw ChronicleHTTPError.forbidden("Admins only.") }
    }

    @Test func refusesWhomTheAppRefusesAndLeavesOutTheButtonsWithoutASecondCheck() async throws {
        try await Self.serve(operations: false) { client, _ in
            let anonymous = try await client.execute(uri: "/browse/", method: .get)
            #expect(anonymous.status == .unauthorized && anonymous.headers[.wwwAuthenticate] == "Bearer")
            #expect(String(buffer: anonymous.body).contains("Say who you are."))
            let viewer = try await client.execute(uri: "/browse/projections", method: .get, headers: [HTTPField.Name("X-Role")!: "viewer"])
            #expect(viewer.status == .forbidden && String(buffer: viewer.body).contains("Admins only."))

            let page = try await client.execute(uri: "/browse/projections", method: .get, headers: [HTTPField.Name("X-Role")!: "admin"])
            #expect(page.status == .ok && page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("default-src 'none'") == true)
            let html = String(buffer: page.body)
            #expect(html.contains("order-items") && !html.contains("<button class=\"retry\"") && !html.contains("<button class=\"rebuild\""), "\(html)")
            let post = try await client.execute(uri: "/browse/projections/order-items/rebuild", method: .post, headers: [HTTPField.Name("X-Role")!: "admin"])
            #expect(post.status == .notFound || post.status == .methodNotAllowed, "no operation routes without the second check: \(post.status)")
        }
    }

    @Test func operationsNeedTheSecondCheckAndTheSameOrigin() async throws {
        try await Self.serve(operations: true) { client, _ in
            let admin: HTTPFields = [HTTPField.Name("X-Role")!: "admin"]
            let page = try await client.execute(uri: "/browse/projections", method: .get, headers: admin)
            #expect(!String(buffer: page.body).contains("<button class=\"rebuild\""), "an admin who is not an operator sees no buttons")
            let refused = try await client.execute(uri: "/browse/projections/order-items/rebuild", method: .post, headers: admin)
            #expect(refused.status == .forbidden && String(buffer: refused.body).contains("Operators only."))

            // The router's tests send requests to the authority "localhost".
            var operator_: HTTPFields = [HTTPField.Name("X-Role")!: "operator"]
            let buttons = try await client.execute(uri: "/browse/projections", method: .get, headers: operator_)
            #expect(String(buffer: buttons.body).contains("<button class=\"rebuild\""))
            operator_[HTTPField.Name("Origin")!] = "https://elsewhere.example"
            let forged = try await client.execute(uri: "/browse/projections/order-items/rebuild", method: .post, headers: operator_)
            #expect(forged.status == .forbidden && String(buffer: forged.body).contains("another site"), "\(String(buffer: forged.body))")
            operator_[HTTPField.Name("Origin")!] = "http://localhost"
            let started = try await client.execute(uri: "/browse/projections/order-items/rebuild", method: .post, headers: operator_)
            #expect(started.status == .seeOther && started.headers[.location] == "/browse/projections?notice=rebuilding", "\(started.status) \(String(buffer: started.body))")
        }
    }

    @Test func answersWhatItCannotShowWithAnHTMLStatusPage() async throws {
        try await Self.serve(operations: false) { client, app in
            let admin: HTTPFields = [HTTPField.Name("X-Role")!: "admin"]
            let missing = try await client.execute(uri: "/browse/events/\(UUID().uuidString)", method: .get, headers: admin)
            #expect(missing.status == .notFound && String(buffer: missing.body).contains("No event has the id"))
            let notAnID = try await client.execute(uri: "/browse/events/42", method: .get, headers: admin)
            #expect(notAnID.status == .notFound)
            let badCursor = try await client.execute(uri: "/browse/?before=yesterday", method: .get, headers: admin)
            #expect(badCursor.status == .badRequest && String(buffer: badCursor.body).contains("before must be an integer"))
            let badTime = try await client.execute(uri: "/browse/?from=soon", method: .get, headers: admin)
            #expect(badTime.status == .badRequest && String(buffer: badTime.body).contains("from must be a time"))
            let nothing = try await client.execute(uri: "/browse/search?q=nobody", method: .get, headers: admin)
            #expect(nothing.status == .notFound && String(buffer: nothing.body).contains("nobody"))

            try await app.execute(AddItem(name: "book"), on: EntityID("o1"))
            let found = try await client.execute(uri: "/browse/search?q=o1", method: .get, headers: admin)
            #expect(found.status == .seeOther && found.headers[.location] == "/browse/streams/o1")
            let tooFar = try await client.execute(uri: "/browse/streams/o1?version=2", method: .get, headers: admin)
            #expect(tooFar.status == .badRequest && String(buffer: tooFar.body).contains("version must be an integer from 1 to 1"))
        }
    }

    @Test func showsAnArchivedEntitysEventsOnItsPage() async throws {
        try await Self.serve(operations: false) { client, app in
            let admin: HTTPFields = [HTTPField.Name("X-Role")!: "admin"]
            try await app.execute(AddItem(name: "archived-book-5e1a"), on: EntityID("o9"))
            try await app.archive(StreamName(entityType: Order.entityType, entityID: "o9"), by: "test")
            let page = try await client.execute(uri: "/browse/streams/o9", method: .get, headers: admin)
            let html = String(buffer: page.body)
            #expect(page.status == .ok && html.contains("Archived events") && html.contains("archived-book-5e1a"), "\(html)")
            #expect(html.contains(StreamArchived.eventType), "the archive event closes the entity in the log")
            let log = try await client.execute(uri: "/browse/", method: .get, headers: admin)
            #expect(!String(buffer: log.body).contains("order.item_added"), "gone from the log")
        }
    }

    /// The orders app with the browser at `/browse` behind ``authorize(_:_:)``, and its buttons
    /// behind an operator check when `operations`, tested through the router.
    static func serve(operations: Bool, _ body: @Sendable (any TestClientProtocol, EventSourcedApp) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chronicle-browser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await EventSourcedApp.with(url: directory.appendingPathComponent("orders.sqlite").path, drivers: [.sqlite]) { store in
            ReadSide(database: store, async: [OrderItemsProjection(poison: PoisonSwitch())])
        } _: { app in
            try await app.migrate()
            let router = Router()
            let operatorCheck: EventBrowser<BasicRequestContext>.OperationsAuthorization = { request, _ in
                guard request.headers[HTTPField.Name("X-Role")!] == "operator" else { throw ChronicleHTTPError.forbidden("Operators only.") }
                return "test:operator"
            }
            EventBrowser<BasicRequestContext>(
                app: app, authorize: { request, context in try Self.authorize(request, context) }, authorizeOperations: operations ? operatorCheck : nil
            ).addRoutes(to: router, atPath: "/browse")
            try await Application(router: router).test(.router) { client in try await body(client, app) }
        }
    }
}
