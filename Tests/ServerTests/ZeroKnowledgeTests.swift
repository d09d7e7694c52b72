@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import CaseVaultSync
import Foundation
import XCTest

/// What the server holds and says: sealed rows and ids only. A case's words never reach the
/// database (as `pg_dump` shows it) or the server's log.
final class ZeroKnowledgeTests: XCTestCase {
    func testNeitherPgDumpNorTheServerLogHoldsACanaryFromACase() throws {
        let canary = "KANARI" + UUID().uuidString.prefix(8).uppercased()
        let s = try SharedWorld()
        let a = try s.join("kari")
        var id: CaseID?
        try s.command(on: a, as: "kari") {
            id = try $0.createCase(recordText: SharedWorld.smallCase.replacingOccurrences(of: "Blåklokke", with: canary))
        }
        try s.command(on: a, as: "kari") { _ = try $0.addNote(id!, text: "Bor hos \(canary) i Nyby") }
        let dump = try s.db.dump()
        XCTAssertTrue(dump.contains("vault_rows"), "the dump is of the server's database")
        XCTAssertFalse(dump.contains(canary))
        XCTAssertFalse(dump.lowercased().contains(canary.lowercased()))
        let log = s.server.log.text
        XCTAssertTrue(log.contains("push stored"), "the server logged the pushes")
        XCTAssertFalse(log.contains(canary))
        XCTAssertFalse(log.contains(id!.hex), "no case id in the server's log")
        // And the replica reads it back: the words were there, sealed.
        XCTAssertEqual(try Session(vault: a, identity: s.t.identity("kari")).showCase(id!).fields["person.alias"], .text(canary))
    }
}
