import CaseVaultSamples
import Foundation
import XCTest

/// Residents through the built binary: bound to their case with `case add-resident`, never on
/// the roster. A canary name set on the resident reaches no keyring, export, listing or log.
final class ResidentCLITests: XCTestCase {
    static let canary = "Canary Nordmann-7f3a"
    var v: CLIVault!
    var caseID: String!

    override func setUpWithError() throws {
        v = try CLIVault()
        caseID = try v.newCase(SampleCase.yaml.replacingOccurrences(of: "Anna Fiktiv Testesen", with: Self.canary))
        try v.addResident("rita", to: caseID)
    }

    override func tearDown() { v = nil }

    func testTheResidentReadsHerCaseAndReportAndNothingPublishedNamesHer() throws {
        let own = try v.showJSON(caseID, as: "rita")
        XCTAssertEqual((own["fields"] as? [String: Any])?["person.legal_name"] as? String, Self.canary)
        let report = try v.run(as: "rita", ["audit", "for-case", caseID])
        report.assertSuccess("audit for-case as the resident")
        XCTAssertTrue(report.stdout.lowercased().contains("kari"), report.stdout)
        try v.run(as: "rita", ["case", "update", caseID, "-"], stdin: "set:\n  case.phase: 3\n").assertError(77, "a resident writing")

        var published: [(String, String)] = []
        let keyring = v.vault + "/Keys/keyring.txt"
        published.append(("keyring", try String(contentsOfFile: keyring, encoding: .utf8)))
        for m in ["kari", "nils", "lina"] {
            let list = try v.run(as: m, ["member", "list"])
            list.assertSuccess("member list as \(m)")
            published.append(("member list as \(m)", list.stdout + list.stderr))
            let json = try v.run(as: m, ["member", "list", "--json"])
            published.append(("member list --json as \(m)", json.stdout))
        }
        // Other roles' views of the case: the record's own words ("case.type: resident") may show, her name may not.
        var otherRoles: [(String, String)] = []
        for m in ["nils", "lina", "cecilie", "anne", "karl"] {
            let show = try v.run(as: m, ["case", "show", caseID, "--json"])
            otherRoles.append(("case show as \(m)", show.stdout + show.stderr))
            let list = try v.run(as: m, ["case", "list"])
            otherRoles.append(("case list as \(m)", list.stdout + list.stderr))
        }
        let log = try v.run(as: "anne", ["audit", "log"])
        log.assertSuccess("audit log")
        published.append(("audit log", log.stdout))
        let dir = v.cli.path("export")
        try v.run(as: "anne", ["audit", "export", dir]).assertSuccess("audit export")
        for name in try FileManager.default.subpathsOfDirectory(atPath: dir) {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir + "/" + name, isDirectory: &isDir), !isDir.boolValue else { continue }
            published.append(("export \(name)", String(decoding: try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name)), as: UTF8.self)))
        }
        let verify = try v.cli.run(["audit", "verify", dir, "--root-fingerprint", v.rootFingerprint])
        verify.assertSuccess("audit verify with a resident's signed reads in the log")
        published.append(("audit verify", verify.stdout))
        for (what, text) in otherRoles { XCTAssertFalse(text.contains("Canary"), "\(what) names the resident") }
        for (what, text) in published {
            XCTAssertFalse(text.contains("Canary"), "\(what) names the resident")
            XCTAssertFalse(text.contains("resident"), "\(what) marks someone as a resident")
            XCTAssertFalse(text.contains("rita"), "\(what) names the resident's old handle")
        }
        for name in ["Keys/keyring.txt", "vault.sqlite", "vault.sqlite-wal", "vault.sqlite-shm"] where FileManager.default.fileExists(atPath: v.vault + "/" + name) {
            let mode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: v.vault + "/" + name)[.posixPermissions] as? Int)
            XCTAssertEqual(mode & 0o077, 0, "\(name) is mode \(String(mode, radix: 8))")
        }
    }

    func testMemberAddRefusesTheResidentRoleWithAHint() throws {
        try v.newIdentity("rut")
        let r = try v.addMember("rut", roles: ["resident"])
        r.assertError(65, "member add --role resident", mentioning: "case add-resident")
        // Compared by whole lines: base64 key material may contain the letters "rut".
        let lines = try String(contentsOfFile: v.vault + "/Keys/keyring.txt", encoding: .utf8).split(separator: "\n")
        XCTAssertFalse(lines.contains { $0 == "member rut" || $0 == "name rut" || $0.hasPrefix("member rut ") }, "rut was added to the roster")
    }

    func testMemberListNeedsAnIdentityAndIsLogged() throws {
        var env = v.cli.environment
        env["CASEVAULT_IDENTITY"] = nil
        v.cli.environment = env
        let bare = try v.cli.run(["member", "list", "--vault", v.vault])
        XCTAssertNotEqual(bare.status, 0, "member list without an identity: \(bare.stdout)")
        XCTAssertFalse(bare.stdout.contains("kari"), bare.stdout)
        try v.run(as: "nils", ["member", "list"]).assertSuccess("member list")
        let log = try v.run(as: "anne", ["audit", "log", "--action", "member.list", "--json"])
        log.assertSuccess("audit log")
        XCTAssertTrue(log.stdout.contains("nils"), log.stdout)
    }
}
