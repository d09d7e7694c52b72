import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import CaseVaultSamples
import Foundation
import GRDB
import SodiumKit
import TransparencyLog
import XCTest

/// Someone who writes the vault's database but holds no member key: each rollback is refused by
/// a reading member on a FRESH machine (no state file: the client follows the log from entry 0)
/// and by `audit verify`, each with one line naming what was rolled back.
final class LogCrossCheckTests: XCTestCase {
    /// Kari's client on a machine that has never seen this vault.
    private func fresh(_ t: TestVault, _ id: String = "kari") throws -> TrustClient {
        try TrustClient(t, id, machine: "fresh-" + UUID().uuidString.prefix(8))
    }

    /// Exports as the auditor and verifies with the pinned root; returns the failure.
    private func auditFailure(_ t: TestVault, file: StaticString = #filePath, line: UInt = #line) throws -> AuditFailure? {
        let dir = NSTemporaryDirectory() + "casevault-xcheck-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try t.session("anne").exportAudit(to: dir)
        do {
            _ = try AuditVerifier(folder: dir, options: .init(rootFingerprint: t.vault.rootFingerprint)).verify()
            XCTFail("audit verify accepted the tampered vault", file: file, line: line)
            return nil
        } catch { return error }
    }

    private func assertAuditReports(_ t: TestVault, _ mentioning: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        guard let failure = try auditFailure(t, file: file, line: line) else { return }
        let lines = failure.lines.isEmpty ? [failure.description] : failure.lines
        for m in mentioning {
            XCTAssertTrue(lines.contains { $0.contains(m) }, "audit verify should report \(m): \(lines)", file: file, line: line)
        }
        for l in lines { XCTAssertFalse(l.contains("\n"), "one line each", file: file, line: line) }
    }

    func testNewestVersionDeletedIsRefusedByAFreshReaderAndTheAuditorAndTheNumberIsNotReused() throws {
        let t = try TestVault()
        let id = try t.sampleCase()
        try t.session("kari").updateCase(id, patchText: "set:\n  case.phase: 2\n")
        try t.raw().delete(id, version: 4)
        let kari = try fresh(t)
        assertRefused([.authenticationFailed], "newest version deleted", mentioning: ["case \(id): version 4 named by log entry", "rolled back to version 3"]) {
            try kari.run { try $0.showCase(id) }
        }
        let listed = try fresh(t).run { try $0.listCases() }
        XCTAssertEqual(listed.first { $0.caseID == id }?.problem?.contains("rolled back to version 3"), true, "case list shows the rollback")
        try assertAuditReports(t, ["case \(id): version 4 named by log entry"])
        // A writer that keeps no state still refuses to write a second version 4.
        assertRefused([.authenticationFailed], "number reused", mentioning: ["case \(id) version 4 is already named by log entry"]) {
            try t.session("kari").updateCase(id, patchText: "set:\n  case.phase: 3\n")
        }
    }

    func testWholeCaseDeletedIsRefusedByAFreshReaderAndTheAuditor() throws {
        let t = try TestVault()
        let id = try t.sampleCase()
        let other = try t.session("kari").createCase(recordText: "case: {type: resident, opened: 2026-11-20}\nperson: {alias: Fiol}\n")
        try t.raw().execute("DELETE FROM case_versions WHERE case_id = ?", [Data(id.bytes)])
        assertRefused([.authenticationFailed], "case deleted (show)", mentioning: ["case \(id) (version 3 in the log", "missing from the database (deleted)"]) {
            try fresh(t).run { try $0.showCase(id) }
        }
        assertRefused([.authenticationFailed], "case deleted (list)", mentioning: ["case \(id) (version 3 in the log", "(deleted)"]) {
            try fresh(t, "karl").run { try $0.listCases() }
        }
        XCTAssertNoThrow(try fresh(t).run { try $0.showCase(other) }, "the other case still opens")
        try assertAuditReports(t, ["case \(id) (version 3 in the log"])
    }

    func testNewestRosterRowDeletedIsRefusedByAFreshReaderAndTheAuditor() throws {
        let t = try TestVault()
        _ = try t.session("lina").revoke(id: "karl", kind: .member)
        try t.raw().execute("DELETE FROM rosters WHERE serial = (SELECT MAX(serial) FROM rosters)")
        assertRefused([.authenticationFailed], "roster rollback", mentioning: ["roster 7 named by log entry", "rolled back to roster 6"]) {
            try fresh(t).run { try $0.listCases() }
        }
        try assertAuditReports(t, ["roster 7"])
    }

    func testNewestPolicyRowDeletedIsRefusedByAFreshReaderAndTheAuditor() throws {
        let t = try TestVault()
        _ = try t.session("lina").installPolicy(bytes: TestVault.policy(serial: 2))
        try t.raw().execute("DELETE FROM policies WHERE serial = 2")
        assertRefused([.authenticationFailed], "policy rollback", mentioning: ["policy 2 named by log entry", "rolled back to policy 1"]) {
            try fresh(t).run { try $0.listCases() }
        }
        try assertAuditReports(t, ["policy 2 named by log entry"])
    }

    func testAVersionNumberNamedTwiceIsRefusedAsAFork() throws {
        let t = try TestVault()
        let id = try t.sampleCase()
        try t.session("kari").updateCase(id, patchText: "set:\n  case.phase: 2\n")
        // A member's hand-made second version 4 (re-dated, re-signed) over the deleted one, logged by them.
        let raw = try t.raw()
        var v = try raw.latest(id)
        v.created = Timestamp(seconds: v.created.seconds + 1)
        try raw.delete(id, version: 4)
        try Forge.append(raw, id, v, signedBy: t.identity("kari"))
        try t.vault.write { db in
            try t.vault.appendLog(db, state: try t.vault.loadState(db), actor: "kari", key: t.identity("kari").signingKey, checkpoint: true,
                                  action: "case.update", caseID: id, fields: [], detail: ["version": "4"], reason: nil)
        }
        assertRefused([.authenticationFailed], "fork", mentioning: ["case \(id) version 4 is named twice", "reused"]) {
            try fresh(t).run { try $0.showCase(id) }
        }
        try assertAuditReports(t, ["case \(id) version 4 is named twice"])
    }

    func testARevokedMembersVersionNamingAnOldRosterSerialIsRefused() throws {
        let t = try TestVault()
        let id = try t.sampleCase()
        _ = try t.session("lina").revoke(id: "kari", kind: .member)
        // Kari's own (modified) client writes the next version claiming the roster of her last
        // version, under which she was active, and logs it.
        let raw = try t.raw()
        let rows = try raw.rows(id)
        var v = try XCTUnwrap(try rows.map { try CaseVersion.decode($0.body) }.last { $0.author == "kari" })
        XCTAssertLessThan(v.rosterSerial, try t.vault.roster().serial, "a roster from before her revocation")
        let next = UInt64(rows.count + 1)
        v.version = next
        v.parentHash = Forge.parentHash(after: rows.last!)
        v.created = Timestamp(seconds: v.created.seconds + 1)
        v.written = []
        v.removed = []
        try Forge.append(raw, id, v, signedBy: t.identity("kari"))
        try t.vault.write { db in
            try t.vault.appendLog(db, state: try t.vault.loadState(db), actor: "kari", key: t.identity("kari").signingKey, checkpoint: true,
                                  action: "case.update", caseID: id, fields: [], detail: ["version": String(next)], reason: nil)
        }
        assertRefused([.authenticationFailed], "revoked author", mentioning: ["case \(id) version \(next)"]) {
            try fresh(t, "cecilie").run { try $0.showCase(id) }
        }
        try assertAuditReports(t, ["kari"])
    }

    func testALogCutPlusARosterRollbackIsRefusedByAFreshReaderAndTheAuditor() throws {
        let t = try TestVault()
        let id = try t.sampleCase()
        let before = UInt64(try t.vault.logEntryCount())
        _ = try t.session("lina").revoke(id: "karl", kind: .member)
        try t.session("kari").updateCase(id, patchText: "set:\n  case.phase: 2\n")
        // The log cut back to before the revocation, with a frontier and checkpoints to match, and the roster rolled back.
        let raw = try t.raw()
        let leaves = try t.vault.read { db in try db.leafHashList(from: 0) }
        var frontier = CompactRange()
        for leaf in leaves.prefix(Int(before)) { try frontier.append(leafHash: leaf) }
        try raw.execute("DELETE FROM rosters WHERE serial = (SELECT MAX(serial) FROM rosters)")
        try raw.execute("DELETE FROM log_entries WHERE idx >= ?", [before])
        try raw.execute("DELETE FROM log_checkpoints WHERE size > ?", [before])
        try raw.execute("UPDATE log_frontier SET size = ?, hashes = ?", [before, Data(frontier.hashes.flatMap { $0 })])
        // The fresh reader finds version 4 written under the roster the cut removed (or, past that, not in the log).
        assertRefused([.authenticationFailed], "log cut", mentioning: ["case \(id) version 4", "rolled back"]) {
            try fresh(t).run { try $0.showCase(id) }
        }
        try assertAuditReports(t, ["case \(id) version 4 is not named by the log"])
    }

    func testEveryDisagreeingCaseIsReportedOneLineEach() throws {
        let t = try TestVault()
        let a = try t.sampleCase(), b = try t.sampleCase(), c = try t.sampleCase()
        try t.raw().delete(a, version: 3)
        try t.raw().execute("DELETE FROM case_versions WHERE case_id = ?", [Data(b.bytes)])
        let failure = try XCTUnwrap(try auditFailure(t))
        XCTAssertEqual(failure.lines.count, 2, "\(failure.lines)")
        XCTAssertTrue(failure.lines[0].contains(a.hex) || failure.lines[1].contains(a.hex))
        XCTAssertTrue(failure.lines.contains { $0.contains(b.hex) })
        XCTAssertFalse(failure.lines.contains { $0.contains(c.hex) })
    }

    func testLegitimatePathsFollowTheLog() throws {
        let t = try TestVault()
        let id = try t.sampleCase()
        let kari = try fresh(t)
        try kari.run { try $0.updateCase(id, patchText: "set:\n  case.phase: 2\n") }
        try t.session("kari").assign(id, memberID: "karl", role: .contactPerson, remove: false)
        _ = try t.session("lina").revoke(id: "karl", kind: .member)
        _ = try t.session("lina").installPolicy(bytes: TestVault.policy(serial: 2))
        // The head as the vault now holds it: the binding, the update, the assignment and the
        // re-seals after the revocation and the policy change each wrote a version.
        let head = UInt64(try XCTUnwrap(try t.raw().rows(id).last).version)
        XCTAssertGreaterThanOrEqual(head, 5)
        // A reader may re-seal a head stale after the removals: it then reads its own new version.
        let kariRead = try kari.run { try $0.showCase(id) }.latest.version
        XCTAssertGreaterThanOrEqual(kariRead, head)
        XCTAssertGreaterThanOrEqual(try fresh(t, "cecilie").run { try $0.showCase(id) }.latest.version, kariRead)
        XCTAssertEqual(try fresh(t, "lina").run { try $0.listCases() }.count, 1)
        // The state file remembers what the log named; a second run follows only the new entries.
        let state = try String(contentsOfFile: kari.statePath, encoding: .utf8)
        XCTAssertTrue(state.hasPrefix("casevault-client-state v2\n"))
        XCTAssertTrue(state.contains("case \(id.hex) \(kariRead) "), state)
        XCTAssertNoThrow(try kari.run { try $0.listCases() })
        // Every state-changing entry names what it changed by number and hash.
        for e in try storedEntries(t) {
            guard let action = LogAction(rawValue: e.action) else { continue }
            if action.writesVersion { XCTAssertEqual(e.detailValue("hash")?.count, 64, e.text) }
            if action.installsRoster { XCTAssertEqual(e.detailValue("roster-hash")?.count, 64, e.text) }
            if action.installsPolicy { XCTAssertEqual(e.detailValue("policy-hash")?.count, 64, e.text) }
        }
        XCTAssertNoThrow(try XCTUnwrapAudit(t))
    }

    /// Another member writes while this client's command runs: the entries appended since the
    /// anchor opened are followed inside the command's transaction, not taken for unlogged versions.
    func testAVersionWrittenByAnotherClientDuringACommandIsFollowed() throws {
        let t = try TestVault()
        let id = try t.sampleCase()
        let opened = try fresh(t, "cecilie").run { s -> OpenedCase in
            try t.session("kari").updateCase(id, patchText: "set:\n  case.phase: 2\n")
            return try s.showCase(id)
        }
        XCTAssertEqual(opened.latest.version, 4)
    }

    private func XCTUnwrapAudit(_ t: TestVault) throws {
        let dir = NSTemporaryDirectory() + "casevault-xcheck-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try t.session("anne").exportAudit(to: dir)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/versions"))
        _ = try AuditVerifier(folder: dir, options: .init(rootFingerprint: t.vault.rootFingerprint)).verify()
    }

    func testAnOlderStateFileIsFollowedAgainFromTheStart() throws {
        let t = try TestVault()
        let id = try t.sampleCase()
        let kari = try fresh(t)
        try kari.run { try $0.showCase(id) }
        // The state file as the client before the log follower wrote it: header v1, case heads it read.
        let key = try kari.identity.derivedSubkey(domain: ClientState.keyDomain)
        var state = try ClientState.parse(try String(contentsOfFile: kari.statePath, encoding: .utf8), key: key, vault: t.vault.vaultID, path: kari.statePath)
        let v1Body = String(decoding: state.body, as: UTF8.self).replacingOccurrences(of: ClientState.header, with: ClientState.previousHeader)
            .split(separator: "\n").prefix(6).joined(separator: "\n") + "\n"
        try writePrivate(v1Body + "mac \(Hex.encode(ClientState.mac(Array(v1Body.utf8)[...], key: key)))\n", to: kari.statePath)
        state = try ClientState.parse(try String(contentsOfFile: kari.statePath, encoding: .utf8), key: key, vault: t.vault.vaultID, path: kari.statePath)
        XCTAssertEqual(state.logged.followed, 0)
        try t.raw().delete(id, version: 3)
        assertRefused([.authenticationFailed], "re-followed", mentioning: ["rolled back to version 2"]) { try kari.run { try $0.showCase(id) } }
    }
}
