import Foundation
import XCTest

/// Shell completion asks the vault, and offers only what the user may see and what the
/// option accepts.
final class CompletionTests: XCTestCase {
    /// What the generated scripts run to complete a custom value (swift-argument-parser's protocol).
    private func complete(_ v: CLIVault, _ path: [String], _ key: String, words: [String], env: [String: String] = [:]) throws -> [String] {
        var cli = v.cli
        for (k, value) in env { cli.environment[k] = value }
        let all = ["casevault"] + path + words + [""]
        let r = try cli.run(["---completion"] + path + ["--", key, String(all.count - 1), "0"] + all)
        r.assertSuccess("completion \(path)")
        return r.stdout.split(separator: "\n").map(String.init)
    }

    func testCaseIDsAreOnlyThoseTheKeyReachesAndNeverPrompted() throws {
        let v = try CLIVault(members: [("kari", "contact-person"), ("karl", "contact-person")])
        let kariCase = try v.newCase("case: {type: resident, opened: 2026-11-20}\nperson: {alias: Blåklokke}", as: "kari")
        let karlCase = try v.newCase("case: {type: resident, opened: 2026-11-20}\nperson: {alias: Hestehov}", as: "karl")
        let offered = try complete(v, ["case", "show"], "positional@0", words: v.as("kari"))
        XCTAssertEqual(offered, [kariCase])
        XCTAssertFalse(offered.contains(karlCase))
        let lina = try complete(v, ["case", "history"], "positional@0", words: v.as("lina"))
        XCTAssertEqual(Set(lina), [kariCase, karlCase], "the leader reaches every case")
        // Without a passphrase file or variable, completion offers nothing rather than asking.
        let noPass = try complete(v, ["case", "show"], "positional@0", words: ["--vault", v.vault, "--identity", v.keyPath("kari")])
        XCTAssertEqual(noPass, [])
        let before = try v.count("log_entries")
        _ = try complete(v, ["case", "show"], "positional@0", words: v.as("kari"))
        XCTAssertEqual(try v.count("log_entries"), before, "completing reads no case and logs nothing")
    }

    func testMemberAndRecipientIDsAndRoleValues() throws {
        let v = try CLIVault(members: [("kari", "contact-person"), ("cecilie", "child-contact")])
        let members = try complete(v, ["case", "assign"], "--member", words: ["--vault", v.vault])
        XCTAssertEqual(Set(members), ["lina", "kari", "cecilie"])
        XCTAssertEqual(try complete(v, ["recipient", "show"], "positional@0", words: ["--vault", v.vault]), [])
        let script = try v.cli.run(["--generate-completion-script", "bash"]).stdout
        XCTAssertTrue(script.contains("'contact-person'$'\\n''child-contact'$'\\n''resident'"), "--as offers the case roles")
        let asLine = script.split(separator: "\n").filter { $0.contains("'contact-person'") }
        XCTAssertFalse(asLine.contains { $0.contains("police") }, "no member option offers a recipient role")
        // --as refuses what it does not offer.
        let id = try v.newCase("case: {type: resident, opened: 2026-11-20}\nperson: {alias: Blåklokke}")
        try v.run(as: "kari", ["case", "assign", id, "--member", "cecilie", "--as", "police"]).assertError(64, "--as police")
    }
}
