import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1

/// A real, headless Chromium driven over WebDriver's HTTP API by Debian's `chromedriver`:
/// what the page and browser tests click through.
///
/// ```swift
/// try await WebDriver.withBrowser { browser in
///     try await browser.open("http://127.0.0.1:\(port)/")
///     try await browser.click("button[data-user='1']")
///     try await browser.waitFor("#agenda tbody tr")
///     try await browser.screenshot("agenda")
/// }
/// ```
///
/// Tests that need a browser call ``available``: `scripts/test` installs `chromium` and
/// `chromium-driver` and sets `CHRONICLE_REQUIRE_BROWSER`, which turns a missing browser into a
/// failure instead of a skip.
public struct WebDriver: Sendable {
    /// A WebDriver command the browser refused.
    public struct Failure: Error, CustomStringConvertible {
        /// The command.
        public var command: String
        /// WebDriver's error code (`no such element`, `javascript error`, …) and message.
        public var error: String
        /// The error and command.
        public var description: String { "WebDriver \(command): \(error)" }
    }

    let base: String
    let client: HTTPClient
    /// Where screenshots go: `CHRONICLE_SCREENSHOTS`, or a folder under the temporary directory.
    public let screenshots: URL

    /// Whether a browser can run here; fails when the test command requires one and it is missing.
    public static var available: Bool {
        let present = FileManager.default.isExecutableFile(atPath: driverPath)
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")
        return present || ProcessInfo.processInfo.environment["CHRONICLE_REQUIRE_BROWSER"] != nil
    }

    static let driverPath = "/usr/bin/chromedriver"

    /// The folder screenshots are written to.
    public static var screenshotFolder: URL {
        let path = ProcessInfo.processInfo.environment["CHRONICLE_SCREENSHOTS"]
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("chronicle-screenshots").path
        return URL(fileURLWithPath: path)
    }

    /// Runs a browser test alone: one at a time across the suite, so that Chromium's start-up
    /// and rendering do not compete with another test's on two cores.
    public static func exclusively<Result: Sendable>(_ body: () async throws -> Result) async throws -> Result {
        await BrowserTurns.shared.take()
        do {
            let result = try await body()
            await BrowserTurns.shared.give()
            return result
        } catch {
            await BrowserTurns.shared.give()
            throw error
        }
    }

    /// Starts chromedriver and a headless Chromium at a window size, runs `body`, and stops both.
    /// A width under 800 px is a phone's viewport, emulated at that size.
    public static func withBrowser<Result: Sendable>(
        width: Int = 1280, height: Int = 900, _ body: (WebDriver) async throws -> Result
    ) async throws -> Result {
        guard FileManager.default.isExecutableFile(atPath: driverPath) else {
            throw TestSupportError("\(driverPath) is missing: install chromium and chromium-driver (scripts/test does).")
        }
        let port = try FreePort.next()
        let driver = try ChildProcess.start(program: driverPath, ["--port=\(port)"])
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let base = "http://127.0.0.1:\(port)"
            try await waitUntilReady(base, client: client)
            var options: [String: Any] = [
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=\(max(width, 800)),\(height)"]
            ]
            if width < 800 {
                // Chromium keeps windows at least 500 px wide: a phone's viewport is emulated.
                options["mobileEmulation"] = ["deviceMetrics": ["width": width, "height": height, "pixelRatio": 1]]
            }
            let created = try await command(client, .POST, "\(base)/session", ["capabilities": ["alwaysMatch": ["goog:chromeOptions": options]]])
            guard let session = (created as? [String: Any])?["sessionId"] as? String else {
                throw TestSupportError("chromedriver made no session: \(String(describing: created))")
            }
            try FileManager.default.createDirectory(at: screenshotFolder, withIntermediateDirectories: true)
            let browser = WebDriver(base: "\(base)/session/\(session)", client: client, screenshots: screenshotFolder)
            do {
                let result = try await body(browser)
                _ = try? await command(client, .DELETE, browser.base, nil)
                try await client.shutdown()
                try await driver.stop()
                return result
            } catch {
                _ = try? await command(client, .DELETE, browser.base, nil)
                throw error
            }
        } catch {
            try? await client.shutdown()
            let printed = (try? await driver.stop()).map { "\($0)" } ?? ""
            if error is Failure || error is TestSupportError { throw error }
            throw TestSupportError("\(error)\nchromedriver printed:\n\(printed)")
        }
    }

    /// Opens a URL and waits for the page to load.
    public func open(_ url: String) async throws {
        _ = try await send(.POST, "/url", ["url": url])
    }

    /// The URL the browser shows.
    public func currentURL() async throws -> String {
        try await send(.GET, "/url", nil) as? String ?? ""
    }

    /// Resizes the window.
    public func resize(width: Int, height: Int) async throws {
        _ = try await send(.POST, "/window/rect", ["width": width, "height": height])
    }

    /// Clicks the first element a CSS selector finds.
    public func click(_ selector: String) async throws {
        try await onFoundElement(selector) { element in
            _ = try await send(.POST, "/element/\(element)/click", [String: Any]())
        }
    }

    /// Types text into the first element a CSS selector finds, after clearing it.
    public func type(_ text: String, into selector: String) async throws {
        try await onFoundElement(selector) { element in
            _ = try await send(.POST, "/element/\(element)/clear", [String: Any]())
            _ = try await send(.POST, "/element/\(element)/value", ["text": text])
        }
    }

    /// The rendered text of the first element a CSS selector finds.
    public func text(_ selector: String) async throws -> String {
        try await onFoundElement(selector) { element in
            try await send(.GET, "/element/\(element)/text", nil) as? String ?? ""
        }
    }

    /// How many elements a CSS selector finds.
    public func count(_ selector: String) async throws -> Int {
        (try await send(.POST, "/elements", ["using": "css selector", "value": selector]) as? [Any])?.count ?? 0
    }

    /// Runs JavaScript in the page and returns its result (`return …`).
    @discardableResult
    public func run(_ script: String, _ arguments: [Any] = []) async throws -> Any? {
        try await send(.POST, "/execute/sync", ["script": script, "args": arguments])
    }

    /// Waits until a CSS selector finds an element whose text contains `text` (any element
    /// when `nil`); fails after `timeout` with what the page showed.
    public func waitFor(_ selector: String, containing text: String? = nil, timeout: Duration = .seconds(20)) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            let texts = try await run(
                "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent)", [selector]) as? [String] ?? []
            if let text { if texts.contains(where: { $0.contains(text) }) { return } } else if !texts.isEmpty { return }
            if ContinuousClock.now >= deadline {
                let body = try await run("return document.body ? document.body.innerText : ''") as? String ?? ""
                throw TestSupportError(
                    "No \(selector)\(text.map { " containing \"\($0)\"" } ?? "") appeared within \(timeout) at \(try await currentURL()). The page shows:\n\(body.prefix(2_000))")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// The text of an open `alert()`, or `nil` when none is open.
    public func alertText() async throws -> String? {
        do {
            return try await send(.GET, "/alert/text", nil) as? String
        } catch let failure as Failure where failure.error.hasPrefix("no such alert") {
            return nil
        }
    }

    /// Saves a PNG of the window as `<name>.png` in ``screenshots``; its path.
    @discardableResult
    public func screenshot(_ name: String) async throws -> URL {
        guard let base64 = try await send(.GET, "/screenshot", nil) as? String, let png = Data(base64Encoded: base64) else {
            throw TestSupportError("chromedriver sent no screenshot")
        }
        let file = screenshots.appendingPathComponent("\(name).png")
        try png.write(to: file)
        return file
    }

    /// Finds an element and acts on it, finding it again when the page replaced it in between
    /// (a live page re-renders as events arrive): WebDriver then answers "stale element reference".
    private func onFoundElement<Result>(_ selector: String, _ act: (String) async throws -> Result) async throws -> Result {
        var attempts = 0
        while true {
            do {
                return try await act(try await find(selector))
            } catch let failure as Failure where failure.error.hasPrefix("stale element reference") && attempts < 5 {
                attempts += 1
            }
        }
    }

    private func find(_ selector: String) async throws -> String {
        let found = try await send(.POST, "/element", ["using": "css selector", "value": selector])
        guard let element = (found as? [String: Any])?.values.first as? String else {
            throw TestSupportError("No element \(selector): \(String(describing: found))")
        }
        return element
    }

    private func send(_ method: HTTPMethod, _ path: String, _ body: Any?) async throws -> Any? {
        try await Self.command(client, method, base + path, body)
    }

    /// One WebDriver command: its `value`, or a ``Failure``.
    static func command(_ client: HTTPClient, _ method: HTTPMethod, _ url: String, _ body: Any?) async throws -> Any? {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        }
        let response = try await client.execute(request, timeout: .seconds(60))
        let data = Data((try await response.body.collect(upTo: 64 << 20)).readableBytesView)
        let value = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["value"]
        if response.status.code >= 400 {
            let detail = value as? [String: Any]
            throw Failure(
                command: "\(method.rawValue) \(url)",
                error: "\(detail?["error"] as? String ?? "status \(response.status.code)"): \(detail?["message"] as? String ?? String(decoding: data, as: UTF8.self))")
        }
        return value
    }

    private static func waitUntilReady(_ base: String, client: HTTPClient) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let status = try? await command(client, .GET, "\(base)/status", nil) as? [String: Any], status["ready"] as? Bool == true { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestSupportError("chromedriver did not start within 30 s.")
    }
}

/// Turns at the browser, one test at a time.
actor BrowserTurns {
    static let shared = BrowserTurns()
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func take() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func give() {
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}
