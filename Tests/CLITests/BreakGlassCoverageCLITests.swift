import CaseVaultSamples
import Foundation
import XCTest

/// `breakglass setup` on a vault with a case: it names the case it does not cover; `breakglass
/// open` on it fails with why and records no opening; after its contact person reads it, the
/// open works; a review takes a comment from a file.
final class BreakGlassCoverageCLITests: XCTestCase {
    func testBreakGlassRightAfterSetupOnAnOldCase() throws {
        setenv("CASEVAULT_TEST_INSECURE_KDF", "1", 1)
        let v = try CLIVault()
        defer { v.cli.cleanUp() }
        let caseID = try v.newCase(SampleCase.yaml)
        let setup = try v.run(as: "lina", ["breakglass", "setup"])
        setup.assertSuccess("breakglass setup")
        XCTAssertTrue(setup.stdout.contains("Not yet covered: 1 case(s)"), setup.stdout)
        XCTAssertTrue(setup.stdout.contains("  \(caseID)"), setup.stdout)

        let reason = try v.cli.write("reason", "Politiet melder akutt fare\n")
        let open = ["breakglass", "open", caseID, "--fields", "person.legal_name", "--minutes", "60", "--reason-code", "life-danger", "--reason-file", reason]
        let refused = try v.run(as: "lina", open)
        refused.assertError(73, "open on an uncovered case", mentioning: "sealed before `breakglass setup`")
        let log = try v.run(as: "anne", ["audit", "log", "--json"])
        XCTAssertFalse(try XCTUnwrap(log.json as? [[String: Any]]).contains { ($0["action"] as? String)?.hasPrefix("breakglass.open") == true })

        try v.run(as: "kari", ["case", "show", caseID]).assertSuccess("the contact person reads the case")
        let opened = try v.run(as: "lina", open + ["--json"])
        opened.assertSuccess("open after the case was covered")
        let fields = try XCTUnwrap((opened.json as? [String: Any])?["fields"] as? [String: Any])
        XCTAssertEqual(fields["person.legal_name"] as? String, "Anna Fiktiv Testesen")

        let request = try XCTUnwrap(try XCTUnwrap(try v.run(as: "anne", ["audit", "log", "--json"]).json as? [[String: Any]])
            .last { $0["action"] as? String == "breakglass.open" }.flatMap { ($0["detail"] as? [String: Any])?["request"] as? String })
        let comment = try v.cli.write("comment", "Begrunnet; politiet bekreftet\n")
        try v.run(as: "anne", ["breakglass", "review", request, "--outcome", "justified", "--comment-file", comment]).assertSuccess("review with a comment")
        try v.run(as: "anne", ["breakglass", "review", request, "--outcome", "justified", "--comment", "x"]).assertError(64, "no comment on the command line")
    }
}
