import AsyncHTTPClient
import Chronicle
import ChronicleBrowser
import ChronicleHummingbird
import ChronicleProjections
import ChronicleSQLite
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import TestSupport
import Testing

/// The event browser in a real, headless Chromium: the walk from the log to a state at a
/// version, a failing projection (which parked the event it failed at) and its retry, and event data that tries to inject markup.
/// Screenshots go to `WebDriver.screenshotFolder`.
@Suite("Event browser", .enabled(if: WebDriver.available))
struct BrowserTests {
    static let xss = "<img src=x onerror=alert(1)>"

    @Test func walksFromTheLogToAStateAndRetriesAFailingProjection() async throws {
        try await WebDriver.exclusively {
            try await Self.serve { port, app, poison in
                let base = "http://127.0.0.1:\(port)/browse"
                try await app.execute(AddItem(name: Self.xss), on: EntityID("o1"))
                try await app.execute(AddItem(name: "book"), on: EntityID("o1"))
                try await app.execute(Ship(), on: EntityID("o1"))
                try await app.execute(AddItem(name: "poison"), on: EntityID("o2"))
                try await Self.waitUntil("the reactor notes the shipment") {
                    try await !app.store.storedEvents(ofEntity: "shipment-o1", limit: 1).isEmpty
                }

                try await WebDriver.withBrowser { browser in
                    print("Screenshots of the event browser: \(browser.screenshots.path)")
                    // The log, newest first.
                    try await browser.open(base + "/")
                    try await browser.waitFor("#log tbody tr")
                    #expect(try await browser.count("#log tbody tr") == 5)
                    try await browser.screenshot("browser-1-log")

                    // Filtered to the reactor's event, then the event.
                    try await browser.type("shipment.noted", into: "input[name=type]")
                    try await browser.click("form.filters button")
                    try await browser.waitFor("#log tbody tr", containing: "shipment.noted")
                    #expect(try await browser.count("#log tbody tr") == 1)
                    try await browser.click("#log a.event")
                    try await browser.waitFor("h1", containing: "shipment.noted")
                    #expect(try await browser.text("#data").contains("\"order\" : \"o1\""))
                    try await browser.screenshot("browser-2-event")

                    // Its causation parent: the shipping of the order.
                    try await browser.click("#parent")
                    try await browser.waitFor("h1", containing: "order.shipped")
                    #expect(try await browser.text("#children").contains("shipment.noted"), "the parent lists the event it caused")
                    try await browser.screenshot("browser-3-parent")

                    // The order's stream, and its state at version 2: two items, not shipped.
                    try await browser.click("#stream-link")
                    try await browser.waitFor("#stream tbody tr")
                    #expect(try await browser.count("#stream tbody tr") == 3)
                    try await browser.click("#stream tbody tr:nth-child(2) a.version")
                    try await browser.waitFor("#state-version", containing: "2")
                    let state = try await browser.text("#state")
                    #expect(state.contains("book") && state.contains("shipped: false"), "\(state)")
                    try await browser.screenshot("browser-4-state-at-version-2")

                    // The projections page: the failing projection, its error's event, its retry.
                    try await browser.open(base + "/projections")
                    try await browser.waitFor("tr[data-name='order-items'] .state", containing: "degraded")
                    #expect(try await browser.text("tr[data-name='order-items']").contains("the item is poison"))
                    try await browser.screenshot("browser-5-projection-failing")
                    try await browser.click("tr[data-name='order-items'] a.parked-event")
                    try await browser.waitFor("#data", containing: "poison")
                    try await browser.open(base + "/projections")
                    await poison.turnOff()
                    try await browser.click("tr[data-name='order-items'] button.retry")
                    try await browser.waitFor("#notice", containing: "Retried: 1 handled, 0 failed again.")
                    try await browser.waitFor("tr[data-name='order-items'] .state", containing: "live")
                    // The node running it: this process, holding the projection's lease.
                    let runBy = try await browser.text("tr[data-name='order-items'] .leases")
                    #expect(runBy.contains("/\(ProcessInfo.processInfo.processIdentifier)") && runBy.contains("held") && runBy.contains("0 failover(s)"), "\(runBy)")
                    try await browser.screenshot("browser-6-projection-retried")
                }
            }
        }
    }

    @Test func eventDataShowsAsTextAndRunsNoScript() async throws {
        try await WebDriver.exclusively {
            try await Self.serve { port, app, _ in
                let added = try await app.execute(AddItem(name: Self.xss), on: EntityID(Self.xss))
                let id = try #require(added.events.first?.id).uuidString.lowercased()
                try await WebDriver.withBrowser { browser in
                    for path in ["/", "/events/\(id)", "/streams/\(BrowserTests.pathSegment(Self.xss))", "/search?q=\(BrowserTests.pathSegment(Self.xss))"] {
                        try await browser.open("http://127.0.0.1:\(port)/browse\(path)")
                        try await browser.waitFor("main")
                        let images = try await browser.run("return document.querySelectorAll('img').length") as? Int
                        #expect(images == 0, "no element was injected at \(path)")
                        #expect(try await browser.alertText() == nil, "no script ran at \(path)")
                        let shown = try await browser.run("return document.body.innerText") as? String ?? ""
                        #expect(shown.contains(Self.xss), "the data shows as text at \(path): \(shown.prefix(500))")
                    }
                    try await browser.open("http://127.0.0.1:\(port)/browse/events/\(id)")
                    try await browser.screenshot("browser-7-xss-as-text")
                }
            }
        }
    }

    /// Percent-encoded for a path or query.
    static func pathSegment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }

    /// Serves the orders app with the browser at `/browse` on a new SQLite database.
    static func serve(_ body: @Sendable (Int, EventSourcedApp, PoisonSwitch) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chronicle-browser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let poison = PoisonSwitch()
        try await EventSourcedApp.with(url: directory.appendingPathComponent("orders.sqlite").path, drivers: [.sqlite]) { store in
            ReadSide(
                database: store, async: [OrderItemsProjection(poison: poison)], reactors: [ShippingNotifier()],
                configuration: .init(pollInterval: .milliseconds(20), maximumRetryDelay: .milliseconds(200)))
        } _: { app in
            try await app.migrate()
            let router = Router()
            EventBrowser<BasicRequestContext>(
                app: app, aggregates: [BrowsableAggregate(Order.self), BrowsableAggregate(Shipment.self)],
                authorize: { _, _ in }, authorizeOperations: { _, _ in "test:operator" }
            ).addRoutes(to: router, atPath: "/browse")
            let server = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), services: [app])
            try await server.test(.live) { client in
                try await body(try #require(client.port), app, poison)
            }
        }
    }

    static func waitUntil(_ what: String, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while try await !condition() {
            guard ContinuousClock.now < deadline else { throw TestSupportError("Not within 30 s: \(what).") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
