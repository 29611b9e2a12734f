import Chronicle
import Foundation
import Testing

@Suite("Parsing event ids")
struct UUIDParsingTests {
    @Test func readsWhatFoundationReads() {
        for _ in 0..<1_000 {
            let uuid = UUID()
            #expect(UUID(parsing: uuid.uuidString) == uuid)
            #expect(UUID(parsing: uuid.uuidString.lowercased()) == uuid)
        }
        let mixed = "e621E1F8-c36c-495A-93fc-0C247A3E6E5F"
        #expect(UUID(parsing: mixed) == UUID(uuidString: mixed))
    }

    @Test(arguments: [
        "", "e621e1f8-c36c-495a-93fc-0c247a3e6e5", "e621e1f8-c36c-495a-93fc-0c247a3e6e5ff",
        "e621e1f8c36c-495a-93fc-0c247a3e6e5f0", "e621e1f8-c36c-495a-93fc+0c247a3e6e5f", "g621e1f8-c36c-495a-93fc-0c247a3e6e5f",
        "e621e1f8-c36c-495a-93fc-0c247a3e6e5é", "{e621e1f8-c36c-495a-93fc-0c247a3e6e}",
    ])
    func refusesWhatFoundationRefuses(_ text: String) {
        #expect(UUID(uuidString: text) == nil)
        #expect(UUID(parsing: text) == nil)
    }
}
