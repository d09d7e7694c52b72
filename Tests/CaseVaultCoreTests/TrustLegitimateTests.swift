import CaseVaultSamples
import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import Foundation
import GRDB
import SodiumKit
import XCTest

/// What must keep working: a member on a second machine, a new member, a restored backup that
/// the leader re-anchors.
final class TrustLegitimateTests: XCTestCase {
    func testAMemberOnASecondMachineStartsFromFirstUse() throws {
        let t = try TestVault()
        let kari = try TrustClient(t, "kari")
        let id = try kari.run { try $0.createCase(recordText: SampleCase.yaml) }
        try kari.run { try $0.updateCase(id, patchText: "set:\n  case.phase: 2\n") }
        let laptop = try TrustClient(t, "kari", machine: "laptop")
        XCTAssertFalse(FileManager.default.fileExists(atPath: laptop.statePath))
        XCTAssertEqual(try laptop.run { try $0.showCase(id) }.latest.version, 2)
        XCTAssertTrue(FileManager.default.fileExists(atPath: laptop.statePath))
        XCTAssertNoThrow(try kari.run { try $0.showCase(id) })
    }

    func testAFreshlyJoinedMemberStartsFromFirstUse() throws {
        let t = try TestVault()
        let id = try t.sampleCase()
        let ola = try TrustClient(t, "ola", identity: try t.addMember("ola", roles: [.nightShift]))
        XCTAssertEqual(try ola.run { try $0.showCase(id) }.caseID, id)
        XCTAssertNoThrow(try ola.run { try $0.listCases() })
    }

    func testARestoredBackupReanchoredByTheLeaderIsAcceptedAgain() throws {
        let t = try TestVault()
        let kari = try TrustClient(t, "kari"), lina = try TrustClient(t, "lina")
        let id = try kari.run { try $0.createCase(recordText: SampleCase.yaml) }
        let tape = try t.backup()
        try kari.run { try $0.updateCase(id, patchText: "set:\n  case.phase: 2\n") }
        try lina.run { try $0.revoke(id: "karl", kind: .member) }
        try t.restore(tape)
        TestVault.assertFails([.authenticationFailed], "before re-anchoring") { try kari.run { try $0.showCase(id) } }
        TestVault.assertFails([.authenticationFailed], "the leader too") { try lina.run { try $0.listCases() } }
        XCTAssertThrowsError(try kari.run(reanchoring: true) { try $0.reanchor() }, "only the centre root key re-anchors")

        let r = try lina.run(reanchoring: true) { try $0.reanchor() }
        XCTAssertEqual(r.serial, 1)
        XCTAssertEqual(try kari.run { try $0.showCase(id) }.latest.version, 1)
        XCTAssertNoThrow(try lina.run { try $0.listCases() })
        let actions = try t.raw().queue.read { db in try String.fetchAll(db, sql: "SELECT CAST(entry AS TEXT) FROM log_entries") }
        XCTAssertEqual(actions.filter { $0.contains("\naction vault.reanchor\n") }.count, 1)
        let export = t.directory + "/export"
        _ = try t.session("anne").exportAudit(to: export)
        XCTAssertNoThrow(try AuditVerifier(folder: export, options: .init(rootFingerprint: t.vault.rootFingerprint)).verify())

        // Going back past the re-anchor is refused like any other rollback.
        try t.restore(tape)
        assertRefused([.authenticationFailed], "behind the re-anchor", mentioning: ["re-anchor 1 is gone"]) { try kari.run { try $0.listCases() } }
    }

    func testAForgedReanchorStatementIsRefused() throws {
        let t = try TestVault()
        let kari = try TrustClient(t, "kari")
        try kari.run { try $0.listCases() }
        let fake = try SigningSecretKey.generate()
        let statement = ReanchorStatement(vaultID: t.vault.vaultID, serial: 9, rosterSerial: 1, policySerial: 1, logSize: 1,
                                          logRoot: [UInt8](repeating: 0, count: 32), time: .now())
        try t.raw().execute("INSERT INTO meta (key, value) VALUES ('reanchor', ?)", [statement.signed(by: fake)])
        assertRefused([.authenticationFailed], "forged re-anchor", mentioning: ["not signed by its centre root key"]) { try kari.run { try $0.listCases() } }
    }

    /// The core remembers what a command saw only when the command succeeded.
    func testASessionCompletesOnlyWhenItsCommandSucceeds() throws {
        let t = try TestVault()
        let id = try t.sampleCase()
        let kari = try TrustClient(t, "kari")
        struct Stop: Error {}
        XCTAssertThrowsError(try t.vault.withSession(keyFile: kari.keyFile, keys: kari.identity, command: "test") { s in
            _ = try s.showCase(id)
            throw Stop()
        })
        XCTAssertFalse(FileManager.default.fileExists(atPath: kari.statePath), "a failed command left a client state")
        _ = try t.vault.withSession(keyFile: kari.keyFile, keys: kari.identity, command: "test") { try $0.showCase(id) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: kari.statePath), "a completed command's state is remembered")
    }
}
