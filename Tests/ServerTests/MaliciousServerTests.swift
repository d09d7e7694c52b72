@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import CaseVaultSync
import Foundation
import SodiumKit
import XCTest

/// The server is not trusted: its operator edits the database under it, and the clients notice
/// when they pull (the replica's append-only history, its remembered log size) or when they open
/// the replica (the log follower and the client anchor, as for any vault).
final class MaliciousServerTests: XCTestCase {
    private func world() throws -> (SharedWorld, Vault, CaseID) {
        let s = try SharedWorld()
        let a = try s.join("kari")
        var id: CaseID?
        try s.command(on: a, as: "kari") { id = try $0.createCase(recordText: SharedWorld.smallCase) }
        try s.command(on: a, as: "kari") { _ = try $0.updateCase(id!, patchText: "set:\n  case.phase: 2\n") }
        return (s, a, try XCTUnwrap(id))
    }

    /// Opens the replica as the CLI does: the anchor checks the log against what this client saw.
    private func open(_ replica: Vault, _ client: TrustClient, _ id: CaseID) throws {
        try client.run(replica) { _ = try $0.showCase(id) }
    }

    func testADroppedVersionIsDetectedByAWorkstationThatJoinsLater() throws {
        let (s, _, id) = try world()
        try s.db.sql("DELETE FROM vault_rows WHERE tbl = 'case_versions' AND key LIKE '%' || chr(10) || 'i:2'")
        let late = try s.join("kari")
        let client = try TrustClient(s.t, "kari", machine: "late")
        XCTAssertThrowsError(try open(late, client, id)) { XCTAssertTrue("\($0)".contains("version"), "\($0)") }
    }

    func testARolledBackServerIsDetectedOnPull() throws {
        let (s, a, _) = try world()
        let size = try a.logEntryCount()
        // The operator restores an older copy: the last entries and their rows are gone.
        try s.db.sql("DELETE FROM vault_rows WHERE tbl = 'log_entries' AND key = 'i:\(size - 1)'")
        try s.db.sql("UPDATE vaults SET log_size = \(size - 1)")
        XCTAssertThrowsError(try s.sync(a, as: "kari")) {
            XCTAssertEqual(($0 as? VaultError)?.kind, .authenticationFailed, "\($0)")
        }
    }

    func testARewrittenEntryIsRefused() throws {
        let (s, a, _) = try world()
        // The server serves entry 3's signed bytes as entry 2, renumbered (and re-sequenced so it is pulled again).
        try s.db.sql("""
            UPDATE vault_rows SET vals = replace((SELECT vals FROM vault_rows WHERE tbl = 'log_entries' AND key = 'i:3'), '"i:3"', '"i:2"'),
            seq = 100000 WHERE tbl = 'log_entries' AND key = 'i:2'
            """)
        XCTAssertThrowsError(try s.sync(a, as: "kari")) { XCTAssertEqual(($0 as? VaultError)?.kind, .authenticationFailed, "\($0)") }
    }

    func testADeletedEntryIsRefusedAsARollback() throws {
        let (s, a, _) = try world()
        try s.db.sql("UPDATE vault_rows SET vals = NULL, seq = 100000 WHERE tbl = 'log_entries' AND key = 'i:2'")
        XCTAssertThrowsError(try s.sync(a, as: "kari")) { XCTAssertEqual(($0 as? VaultError)?.kind, .authenticationFailed, "\($0)") }
    }

    func testAnOldRosterServedToANewWorkstationIsDetected() throws {
        let s = try SharedWorld()
        let leader = try s.join("lina")
        let newcomer = try SecretIdentity.generate()
        try s.command(on: leader, as: "lina") {
            _ = try $0.addMember(id: "olga", name: "Olga", roles: [.nightShift], identity: newcomer.publicIdentity)
        }
        let newest = try s.db.sql("SELECT max(substr(key, 3)::int) FROM vault_rows WHERE tbl = 'rosters'").trimmingCharacters(in: .whitespacesAndNewlines)
        try s.db.sql("DELETE FROM vault_rows WHERE tbl = 'rosters' AND key = 'i:\(newest)'")
        s.t.remember("olga", newcomer)
        let replica = try s.join("karl")
        let client = try TrustClient(s.t, "karl", machine: "new")
        XCTAssertThrowsError(try client.run(replica) { _ = try $0.listCases() }) { XCTAssertTrue("\($0)".contains("roster"), "\($0)") }
    }
}
