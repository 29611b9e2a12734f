import Chronicle
import Foundation
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

/// The sample page in real, headless Chromium windows: one person schedules, another accepts
/// on a phone-sized window, the first sees the count change without reloading; a 422 shows
/// per field, a 409 and an ended session show their messages; nothing overflows at 1280 px or
/// 390 px. Screenshots go to `WebDriver.screenshotFolder`.
@Suite("Meetings: the page in a browser", .enabled(if: WebDriver.available))
struct PageTests {
    @Test func peopleScheduleAcceptAndSeeEachOthersChangesLive() async throws {
        try await WebDriver.exclusively {
            try await TestServer.with(.sqlite) { server in
                let page = "http://127.0.0.1:\(try #require(server.client.port))/"
                try await WebDriver.withBrowser(width: 1280, height: 900) { ada in
                    try await ada.open(page)
                    try await ada.click("#users button[data-user='1']")
                    try await ada.waitFor("#signed-in:not([hidden]) #schedule")
                    #expect(try await ada.run("return !document.querySelector('#browser-link').hidden") as? Bool == true, "admins see the browser link")
                    #expect(try await ada.run("return document.querySelector(\"label.invitee[data-user='1']\").offsetParent === null") as? Bool == true, "nobody invites themselves")

                    // A 422: every field at fault has its message (no title, a time in the past, nobody invited).
                    try await ada.run("document.querySelector('#schedule input[name=starts_at]').value = arguments[0]", [Self.localTime(in: -3_600)])
                    try await ada.click("#schedule-button")
                    try await ada.waitFor("[data-error-for='title']", containing: " ")
                    #expect(try await !ada.text("[data-error-for='starts_at']").isEmpty)
                    #expect(try await !ada.text("[data-error-for='invitee_ids']").isEmpty)
                    #expect(try await ada.text("#error").contains("not scheduled"))
                    try await ada.screenshot("page-1-validation-1280")

                    // Scheduled, inviting Grace.
                    try await ada.type(Self.title, into: "#schedule input[name=title]")
                    try await ada.run("document.querySelector('#schedule input[name=starts_at]').value = arguments[0]", [Self.localTime(in: 86_400)])
                    try await ada.click("#schedule label.invitee[data-user='2'] input")
                    try await ada.click("#schedule-button")
                    try await ada.waitFor(".meeting .attending", containing: "0 of 1 attending")
                    try await ada.screenshot("page-2-scheduled-1280")

                    try await WebDriver.withBrowser(width: 390, height: 844) { grace in
                        try await grace.open(page)
                        #expect(try await grace.run("return window.innerWidth") as? Int == 390, "a phone's width")
                        try await grace.click("#users button[data-user='2']")
                        try await grace.waitFor(".meeting h3", containing: "Design review")
                        try await grace.click(".meeting button.accept")
                        try await grace.waitFor(".meeting .details", containing: "you: accepted")
                        try await Self.expectNoOverflow(grace, width: 390, "390 px")
                        try await grace.click(".meeting a.title")
                        try await grace.waitFor("#history tbody tr")
                        try await Self.expectNoOverflow(grace, width: 390, "390 px, with the history")
                        try await grace.screenshot("page-3-accepted-390")
                    }

                    // Ada's page follows the feed: the count changes without a reload.
                    try await ada.waitFor(".meeting .attending", containing: "1 of 1 attending")
                    try await ada.click(".meeting a.title")
                    try await ada.waitFor("#history tbody tr")
                    try await Self.expectNoOverflow(ada, width: 1280, "1280 px, with the history")
                    try await ada.screenshot("page-4-live-update-1280")

                    // A 409: the meeting changed behind a page that stopped following the feed.
                    try await ada.run("feed.close()")
                    let id = try #require(try await ada.run("return document.querySelector('.meeting').dataset.id") as? String)
                    let moved = try await server.send(
                        .post, "/meetings/\(id)/reschedule", as: 1, json: #"{"starts_at": "\#(TestServer.time(server.clock.now + 2 * 86_400))"}"#)
                    #expect(moved.status == .ok, "\(moved)")
                    try await ada.run("document.querySelector('.meeting .new-time').value = arguments[0]", [Self.localTime(in: 3 * 86_400)])
                    try await ada.click(".meeting button.reschedule")
                    try await ada.waitFor("#error", containing: "Someone changed this meeting; reload")
                    try await ada.screenshot("page-5-conflict-1280")

                    // A session that ended (a token from before a restart): back to the picker, with a message.
                    try await ada.run("token = 'a token from before a restart'; refresh().catch(() => {})")
                    try await ada.waitFor("#error", containing: "pick your user again")
                    #expect(try await ada.run("return document.querySelector('#signed-in').hidden") as? Bool == true)
                }
            }
        }
    }

    /// A title with a word longer than a phone is wide, which must wrap rather than widen the page.
    static let title = "Design review of the-event-feed-and-the-browser-with-a-very-long-unbroken-name"

    /// A time some seconds from now as a `datetime-local` value in the browser's zone (UTC here).
    static func localTime(in seconds: TimeInterval) -> String {
        String(RFC3339.string(from: Date().addingTimeInterval(seconds)).prefix(16))
    }

    /// The page is no wider than the window's width, and no element reaches past it. (An
    /// emulated phone widens its viewport to fit a page that overflows, so the width is given.)
    static func expectNoOverflow(
        _ browser: WebDriver, width: Int, _ where: String, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let scrollWidth = try await browser.run("return document.documentElement.scrollWidth") as? Int ?? .max
        #expect(scrollWidth <= width, "the page is \(scrollWidth) px wide at \(`where`)", sourceLocation: sourceLocation)
        let outside = try await browser.run("""
            return Array.from(document.querySelectorAll('body *'))
                .filter(e => e.offsetParent !== null && e.getBoundingClientRect().right > arguments[0] + 1)
                .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
            """, [width]) as? [String] ?? ["?"]
        #expect(outside.isEmpty, "elements reach past \(width) px at \(`where`): \(outside.prefix(5))", sourceLocation: sourceLocation)
    }
}
