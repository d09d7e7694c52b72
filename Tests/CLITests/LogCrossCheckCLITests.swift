import CaseVaultCore
import CaseVaultSamples
import Foundation
import GRDB
import XCTest

/// What the log names, through the real binary: a fresh reader and `audit verify` refuse a
/// deleted newest version; a format-1 vault is refused until `vault migrate` converts it.
final class LogCrossCheckCLITests: XCTestCase {
    private func sql(_ path: String, _ statement: String) throws {
        var c = Configuration()
        c.busyMode = .timeout(5)
        try DatabaseQueue(path: path, configuration: c).write { try $0.execute(sql: statement) }
    }

    func testADeletedNewestVersionIsRefusedByAFreshReaderAndByAuditVerify() throws {
        let v = try CLIVault(members: [("kari", "contact-person"), ("anne", "auditor")])
        let id = try v.newCase(SampleCase.yaml)
        try v.run(as: "kari", ["case", "update", id, "-"], stdin: "set:\n  case.phase: 2\n").assertSuccess("update")
        try sql(v.vault + "/vault.sqlite", "DELETE FROM case_versions WHERE version = 2")
        // Kari on a fresh machine: no remembered state, the log followed from entry 0.
        for state in try FileManager.default.contentsOfDirectory(atPath: v.cli.path("")) where state.hasPrefix("kari.key.") && state.hasSuffix(".state") {
            try FileManager.default.removeItem(atPath: v.cli.path(state))
        }
        try v.run(as: "kari", ["case", "show", id]).assertError(77, "fresh reader", mentioning: "version 2 named by log entry")
        let export = v.cli.path("export")
        try v.run(as: "anne", ["audit", "export", export]).assertSuccess("export")
        let r = try v.cli.run(["audit", "verify", export, "--root-fingerprint", v.rootFingerprint])
        XCTAssertEqual(r.status, 77, r.stderr)
        XCTAssertTrue(r.stderr.contains("casevault: error: case \(id): version 2 named by log entry"), r.stderr)
        XCTAssertTrue(r.stderr.contains("rolled back to version 1"), r.stderr)
        XCTAssertFalse(r.stdout.contains("Verified"), r.stdout)
    }

    func testAFormatOneVaultIsRefusedUntilMigrated() throws {
        var cli = try CLI()
        defer { cli.cleanUp() }
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("CaseVaultCoreTests/Fixtures/v1-vault").path
        let dir = cli.path("v1")
        try FileManager.default.copyItem(atPath: fixture, toPath: dir)
        for f in ["lina.key", "kari.key", "passphrase"] { try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: dir + "/" + f) }
        let root = try String(contentsOfFile: dir + "/root-fingerprint", encoding: .utf8).trimmingCharacters(in: .newlines)
        func as_(_ id: String) -> [String] { ["--vault", dir + "/vault", "--identity", dir + "/\(id).key", "--passphrase-file", dir + "/passphrase"] }
        cli.environment["CASEVAULT_VAULT"] = nil
        try cli.run(["case", "list"] + as_("kari"))
            .assertError(65, "format 1", mentioning: "vault format 1 must be migrated: run `casevault vault migrate` (needs the centre root key)")
        let info = try cli.run(["vault", "info", "--vault", dir + "/vault"])
        info.assertSuccess("vault info on format 1")
        XCTAssertTrue(info.stdout.contains("Format version: 1"), info.stdout)
        // Only the centre root's holder migrates (holding the root secret is the pin); then staff pin as usual.
        try cli.run(["vault", "migrate"] + as_("kari")).assertError(77, "migrate without the root", mentioning: "centre root key")
        // The format-1 leader's key file still holds the root: split it off first, as the lead's change requires.
        let rootPass = try cli.write("rootpass", "riktig hest batteri stift\n")
        try cli.run(["identity", "split-root", "--identity", dir + "/lina.key", "--passphrase-file", dir + "/passphrase",
                     "--root-key-out", dir + "/root.key", "--root-passphrase-file", rootPass]).assertSuccess("split-root")
        let m = try cli.run(["vault", "migrate"] + as_("lina") + ["--root-key", dir + "/root.key", "--root-passphrase-file", rootPass])
        m.assertSuccess("migrate")
        XCTAssertTrue(m.stdout.contains("from format 1 to 2"), m.stdout)
        for id in ["lina", "kari"] {
            try cli.run(["vault", "trust", "--vault", dir + "/vault", "--identity", dir + "/\(id).key", "--fingerprint", root]).assertSuccess("trust \(id)")
        }
        let list = try cli.run(["case", "list"] + as_("kari"))
        list.assertSuccess("case list after migrating")
        XCTAssertTrue(try cli.run(["vault", "info", "--vault", dir + "/vault"]).stdout.contains("Format version: 2"))
    }
}
