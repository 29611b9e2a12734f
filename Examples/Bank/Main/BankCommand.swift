import ArgumentParser
import Bank
import BankHTTP
import BankVapor
import ChronicleProjections
import Foundation
import Vapor

/// The bank served with Vapor: `swift run bank` serves it on a SQLite file, with no server.
@main
struct BankCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bank", abstract: "Serves the bank over HTTP with Vapor.")

    @ArgumentParser.Option(help: "The database: a SQLite file (sqlite:<path>) or a postgres:// URL.")
    var databaseURL = "sqlite:bank.sqlite"

    @ArgumentParser.Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @ArgumentParser.Option(help: "The port to listen on.")
    var port = 8081

    @ArgumentParser.Option(help: "The bearer token the event feed asks for (default: BANK_FEED_TOKEN).")
    var feedToken = ProcessInfo.processInfo.environment["BANK_FEED_TOKEN"] ?? "bank-feed-token"

    func run() async throws {
        try await EventSourcedApp.bank(url: databaseURL) { chronicle in
            try await chronicle.migrate()
            let app = try await Application.make(Environment(name: "production", arguments: ["bank"]))
            app.http.server.configuration.hostname = host
            app.http.server.configuration.port = port
            BankVapor.configure(app, api: BankAPI(app: chronicle, feedToken: feedToken))
            do {
                try await app.execute()
            } catch {
                try? await app.asyncShutdown()
                throw error
            }
            try await app.asyncShutdown()
        }
    }
}
