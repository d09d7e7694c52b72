import CaseVaultCore
import CaseVaultSamples
import Foundation
import GRDB
import XCTest

/// The pinned root, the forward-only client state and the re-anchor, through the real binary.
final class TrustCLITests: XCTestCase {
    private var v: CLIVault!

    override func setUpWithError() throws { v = try CLIVault(members: [("kari", "contact-person"), ("anne", "auditor")]) }
    override func tearDown() { v = nil }

    private func sql(_ statement: String) throws {
        var c = Configuration()
        c.busyMode = .timeout(5)
        try DatabaseQueue(path: v.vault + "/vault.sqlite", configuration: c).write { try $0.execute(sql: statement) }
    }

    func testAMemberPinsTheRootTheLeaderReadsOutAndAnUnpinnedVaultIsRefused() throws {
        try v.newIdentity("ola")
        try v.addMember("ola", roles: ["night-shift"]).assertSuccess("member add ola")
        let unpinned = try v.run(as: "ola", ["case", "list"])
        unpinned.assertError(73, "unpinned", mentioning: "casevault vault trust --fingerprint")
        let wrong = "0000 1111 2222 3333 4444 5555 6666 7777"
        let bad = try v.cli.run(["vault", "trust", "--vault", v.vault, "--identity", v.keyPath("ola"), "--fingerprint", wrong])
        bad.assertError(77, "wrong fingerprint", mentioning: wrong)
        XCTAssertTrue(bad.stderr.contains(v.rootFingerprint), bad.stderr)
        try v.pin("ola")
        try v.run(as: "ola", ["case", "list"]).assertSuccess("after pinning")
        // The same key file on a second machine starts unpinned and with no remembered state.
        try FileManager.default.copyItem(atPath: v.keyPath("ola"), toPath: v.keyPath("ola-laptop"))
        try v.cli.run(["case", "list", "--vault", v.vault, "--identity", v.keyPath("ola-laptop"), "--passphrase-file", v.passFile])
            .assertError(73, "second machine, unpinned", mentioning: "not pinned")
        try v.pin("ola-laptop")
        try v.cli.run(["case", "list", "--vault", v.vault, "--identity", v.keyPath("ola-laptop"), "--passphrase-file", v.passFile])
            .assertSuccess("second machine")
    }

    func testTheNewestRosterRowDeletedIsRefusedInOneLine() throws {
        try v.run(as: "lina", ["member", "revoke", "anne"]).assertSuccess("revoke")
        try v.run(as: "kari", ["case", "list"]).assertSuccess("list")
        try sql("DELETE FROM rosters WHERE serial = (SELECT MAX(serial) FROM rosters)")
        try v.run(as: "kari", ["case", "list"]).assertError(77, "roster rollback", mentioning: "roster 4 named by log entry")
    }

    func testARestoredFolderIsRefusedUntilTheLeaderReanchorsIt() throws {
        let id = try v.newCase(SampleCase.yaml)
        let tape = v.cli.path("tape")
        try FileManager.default.copyItem(atPath: v.vault, toPath: tape)
        try v.run(as: "kari", ["case", "update", id, "-"], stdin: "set:\n  case.phase: 2\n").assertSuccess("update")
        try v.run(as: "lina", ["case", "list"]).assertSuccess("leader list")
        try FileManager.default.removeItem(atPath: v.vault)
        try FileManager.default.copyItem(atPath: tape, toPath: v.vault)
        try v.run(as: "kari", ["case", "show", id]).assertError(77, "restored folder", mentioning: "access log went back")
        try v.withoutRootKey { try v.run(as: "kari", ["vault", "reanchor"]) }.assertError(77, "only the root key re-anchors", mentioning: "centre root key")
        let r = try v.run(as: "lina", ["vault", "reanchor"])
        r.assertSuccess("reanchor")
        XCTAssertTrue(r.stdout.hasPrefix("Re-anchored vault "), r.stdout)
        try v.run(as: "kari", ["case", "show", id]).assertSuccess("after the re-anchor")
    }

    func testAuditVerifyWithoutAPinIsNotVerifiedAndExportSuggestsNoPinOfItsOwn() throws {
        let dir = v.cli.path("export")
        let export = try v.cli.run(["audit", "export", dir] + v.as("anne"))
        export.assertSuccess("export")
        XCTAssertFalse(export.stdout.contains("--root-fingerprint '"), export.stdout)
        let unpinned = try v.cli.run(["audit", "verify", dir])
        unpinned.assertError(77, "unpinned verify", mentioning: "unpinned")
        XCTAssertFalse(unpinned.stdout.contains("Verified."), unpinned.stdout)
        let tofu = try v.cli.run(["audit", "verify", dir, "--trust-on-first-use"])
        tofu.assertSuccess("trust on first use")
        XCTAssertTrue(tofu.stdout.hasSuffix("Verified, with the root trusted on first use: \(v.rootFingerprint)\n"), tofu.stdout)
        let pinned = try v.cli.run(["audit", "verify", dir, "--root-fingerprint", v.rootFingerprint])
        XCTAssertTrue(pinned.stdout.hasSuffix("Verified.\n"), pinned.stdout)
    }
}
