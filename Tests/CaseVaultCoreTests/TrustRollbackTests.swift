import CaseVaultSamples
import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import Foundation
import GRDB
import SodiumKit
import XCTest

/// Someone who can write the vault's database (a backup operator, a thief of the disk) but holds
/// no key: each rollback or substitution is refused by a client that saw the newer state, with
/// one line naming what went back.
final class TrustRollbackTests: XCTestCase {
    func testNewestRosterRowDeletedIsRefused() throws {
        let t = try TestVault()
        let kari = try TrustClient(t, "kari")
        _ = try t.session("lina").revoke(id: "karl", kind: .member)
        try kari.run { try $0.listCases() }
        try t.raw().execute("DELETE FROM rosters WHERE serial = (SELECT MAX(serial) FROM rosters)")
        XCTAssertNotNil(try t.vault.roster().entry("karl").map { $0.revoked == nil ? $0 : nil } ?? nil, "the attack un-revoked karl")
        assertRefused([.authenticationFailed], "roster rollback", mentioning: ["roster 7 named by log entry", "rolled back to roster 6"]) {
            try kari.run { try $0.listCases() }
        }
    }

    func testNewestPolicyRowDeletedIsRefused() throws {
        let t = try TestVault()
        let kari = try TrustClient(t, "kari")
        _ = try t.session("lina").installPolicy(bytes: TestVault.policy(serial: 2))
        try kari.run { try $0.listCases() }
        try t.raw().execute("DELETE FROM policies WHERE serial = 2")
        assertRefused([.authenticationFailed], "policy rollback", mentioning: ["policy 2 named by log entry", "rolled back to policy 1"]) {
            try kari.run { try $0.listCases() }
        }
    }

    func testNewestVersionDeletedIsRefusedByAReaderWhoSawIt() throws {
        let t = try TestVault()
        let kari = try TrustClient(t, "kari")
        let id = try kari.run { try $0.createCase(recordText: SampleCase.yaml) }
        try kari.run { try $0.updateCase(id, patchText: "set:\n  case.phase: 2\n") }
        try kari.run { try $0.showCase(id) }
        try t.raw().delete(id, version: 2)
        assertRefused([.authenticationFailed], "version rollback", mentioning: ["case \(id): version 2 named by log entry", "rolled back to version 1"]) {
            try kari.run { try $0.showCase(id) }
        }
        // The listing shows it as a problem rather than the older version.
        let listed = try kari.run { try $0.listCases() }
        XCTAssertEqual(listed.first { $0.caseID == id }?.problem?.contains("rolled back to version 1"), true)
    }

    func testAReplacedVersionIsRefused() throws {
        let t = try TestVault()
        let kari = try TrustClient(t, "kari")
        let id = try kari.run { try $0.createCase(recordText: SampleCase.yaml) }
        try kari.run { try $0.updateCase(id, patchText: "set:\n  case.phase: 2\n") }
        // A writer refuses to store version 2 again once its row is gone: the log names it.
        let raw = try t.raw()
        let rows = try raw.rows(id)
        try raw.delete(id, version: 2)
        assertRefused([.authenticationFailed], "number reused", mentioning: ["version 2 is already named by log entry"]) {
            try t.session("kari").updateCase(id, patchText: "set:\n  case.phase: 3\n")
        }
        // So the stored version 2 is swapped by hand for another, validly signed version 2 (same author, re-dated).
        var v = try CaseVersion.decode(rows[1].body)
        v.created = Timestamp(seconds: v.created.seconds + 1)
        try Forge.append(raw, id, v, signedBy: t.identity("kari"))
        XCTAssertNotEqual(try raw.rows(id)[1], rows[1])
        assertRefused([.authenticationFailed], "replaced version", mentioning: ["case \(id) version 2 is not the one log entry"]) {
            try kari.run { try $0.showCase(id) }
        }
    }

    func testAWholeCaseDeletedIsRefused() throws {
        let t = try TestVault()
        let kari = try TrustClient(t, "kari")
        let id = try kari.run { try $0.createCase(recordText: SampleCase.yaml) }
        try t.raw().execute("DELETE FROM case_versions WHERE case_id = ?", [Data(id.bytes)])
        assertRefused([.authenticationFailed], "case deleted", mentioning: ["case \(id) (version 1 in the log", "missing from the database (deleted)"]) {
            try kari.run { try $0.listCases() }
        }
    }

    func testVaultRestoredFromACopyBeforeARevocationAPolicyChangeAndAnUpdateIsRefused() throws {
        let t = try TestVault()
        let kari = try TrustClient(t, "kari")
        let id = try kari.run { try $0.createCase(recordText: SampleCase.yaml) }
        let tape = try t.backup()
        _ = try t.session("lina").revoke(id: "karl", kind: .member)
        _ = try t.session("lina").installPolicy(bytes: TestVault.policy(serial: 2))
        try kari.run { try $0.updateCase(id, patchText: "set:\n  case.phase: 2\n") }
        try t.restore(tape)
        XCTAssertNil(try t.vault.roster().entry("karl")?.revoked, "the restore un-revoked karl")
        assertRefused([.authenticationFailed], "restored copy", mentioning: ["access log went back from", "restored from an older copy"]) {
            try kari.run { try $0.showCase(id) }
        }
    }

    func testLogCutPlusRosterRollbackIsRefused() throws {
        let t = try TestVault()
        let kari = try TrustClient(t, "kari")
        let before = try t.vault.logEntryCount()
        _ = try t.session("lina").revoke(id: "karl", kind: .member)
        try kari.run { try $0.listCases() }
        let raw = try t.raw()
        try raw.execute("DELETE FROM rosters WHERE serial = (SELECT MAX(serial) FROM rosters)")
        try raw.execute("DELETE FROM log_entries WHERE idx >= ?", [before])
        try raw.execute("DELETE FROM log_checkpoints WHERE size > ?", [before])
        assertRefused([.authenticationFailed], "log cut", mentioning: ["access log went back from \(before + 2) to \(before) entries"]) {
            try kari.run { try $0.listCases() }
        }
    }

    /// The client reads only the entries after those it saw (the auditor re-hashes the whole log
    /// from its signed entries): an entry written since, altered, breaks the extension.
    func testALogRewrittenAtTheSameSizeIsRefused() throws {
        let t = try TestVault()
        let kari = try TrustClient(t, "kari")
        try kari.run { try $0.listCases() }
        _ = try t.session("lina").revoke(id: "karl", kind: .member)
        let last = try t.vault.logEntryCount() - 1
        try t.raw().execute("UPDATE log_entries SET leaf_hash = zeroblob(32) WHERE idx = ?", [last])
        assertRefused([.authenticationFailed], "log rewritten", mentioning: ["access log does not extend the"]) {
            try kari.run { try $0.listCases() }
        }
    }

    func testTheStateFileIsAuthenticatedPrivateAndVersioned() throws {
        let t = try TestVault()
        let kari = try TrustClient(t, "kari")
        try kari.run { try $0.listCases() }
        let text = try String(contentsOfFile: kari.statePath, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("casevault-client-state v2\nvault \(t.vault.vaultID.hex)\n"), text)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: kari.statePath)[.posixPermissions] as? Int, 0o600)
        // Lowering the remembered roster serial (to accept a rollback) breaks the MAC.
        try writePrivate(text.replacingOccurrences(of: "\nroster 6\n", with: "\nroster 1\n"), to: kari.statePath)
        assertRefused([.authenticationFailed], "edited state", mentioning: ["does not authenticate"]) { try kari.run { try $0.listCases() } }
        // Another member's state file does not authenticate under kari's key either.
        let nils = try TrustClient(t, "nils")
        try nils.run { try $0.listCases() }
        try FileManager.default.removeItem(atPath: kari.statePath)
        try FileManager.default.copyItem(atPath: nils.statePath, toPath: kari.statePath)
        assertRefused([.authenticationFailed], "someone else's state", mentioning: ["does not authenticate"]) { try kari.run { try $0.listCases() } }
        try writePrivate(text.replacingOccurrences(of: "state v2", with: "state v9"), to: kari.statePath)
        assertRefused([.unsupportedFormat], "unknown version", mentioning: ["v9\" is not supported"]) { try kari.run { try $0.listCases() } }
    }
}
