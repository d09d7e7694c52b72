import CaseVaultCore
import CaseVaultSamples
import Foundation
import XCTest

/// NAV answers a bundle with its decision; the contact person imports it, sees its reply
/// deadline among the tasks, and merges it into the application it decides.
final class DecisionAnswerCLITests: XCTestCase {
    override func setUp() { setenv("CASEVAULT_TEST_INSECURE_KDF", "1", 1) }

    func testANAVDecisionRoundTripsIntoTheCaseAndItsDeadlineIntoTasks() throws {
        let v = try CLIVault(members: [("kari", "contact-person")])
        defer { v.cli.cleanUp() }
        let nav = try v.cli.newIdentity(out: "nav.key", passphraseFile: "pass")
        try v.cli.ok(["recipient", "add", "--vault", v.vault, "--identity", v.keyPath("lina"), "--passphrase-file", v.passFile,
                      "--id", "nav-nyby", "--name", "NAV Nyby", "--role", "nav", "--public-key", nav.publicIdentity, "--fingerprint", nav.fingerprint])
        // `handover answer` has no vault and so runs on the real clock: the NAV consent must outlast any day this test runs.
        let caseID = try v.newCase(SampleCase.yaml.replacing("valid_to: 2027-10-18", with: "valid_to: 2099-10-18"))
        try v.run(as: "kari", ["handover", "create", "--case", caseID, "--to", "nav-nyby", "--basis", "consent",
                               "--purpose-file", try v.cli.write("purpose.txt", "Søknad om bostøtte"),
                               "--consent-file", try v.cli.write("consent.txt", "SAM-2026-016"), "--out", v.cli.path("til-nav.cvb")])
            .assertSuccess("handover create to NAV")

        try v.cli.write("vedtak.yaml", """
            kind: housing-allowance
            summary: Bostøtte avslått; inntekten er over grensen.
            decision: refused
            decision_date: 2026-12-03
            decision_respond_by: 2026-12-24
            """)
        try v.cli.ok(["handover", "answer", "--bundle", v.cli.path("til-nav.cvb"), "--answer-file", v.cli.path("vedtak.yaml"),
                      "--identity", v.cli.path("nav.key"), "--passphrase-file", v.passFile, "--trust", v.rootFingerprint, "--out", v.cli.path("svar.cva")])
        try v.run(as: "kari", ["handover", "import-answer", v.cli.path("svar.cva")]).assertSuccess("import-answer")

        let shown = try v.run(as: "kari", ["case", "show", caseID])
        shown.assertSuccess("case show")
        XCTAssertTrue(shown.stdout.contains("vedtak om bostøtte"), shown.stdout)
        XCTAssertTrue(shown.stdout.contains("24.12.2026"), shown.stdout)

        let tasks = try v.run(as: "kari", ["tasks", "--days", "3650", "--json"])
        tasks.assertSuccess("tasks")
        let due = try XCTUnwrap(tasks.json as? [[String: Any]]).filter { $0["kind"] as? String == "decision-response" }
        XCTAssertEqual(due.map { $0["due"] as? String }, ["2026-12-24"], tasks.stdout)
        XCTAssertEqual(due.first?["owner"] as? String, "resident")
        let text = try v.run(as: "kari", ["tasks", "--days", "3650"])
        XCTAssertTrue(text.stdout.contains("Svar på vedtak om bostøtte fra nav-nyby"), text.stdout)

        let merged = try v.run(as: "kari", ["handover", "merge-answer", caseID, "--answer", "1", "--yes"])
        merged.assertSuccess("merge-answer")
        XCTAssertTrue(merged.stdout.hasPrefix("Svar 1 (vedtak om bostøtte) i sak \(caseID):\n"), merged.stdout)
        XCTAssertTrue(merged.stdout.contains("applications[2].status (status): (tomt) → avslått"), merged.stdout)
        let fields = try XCTUnwrap(try v.showJSON(caseID, as: "kari")["fields"] as? [String: Any])
        XCTAssertEqual(fields["applications[2].kind"] as? String, "housing-allowance")
        XCTAssertEqual(fields["applications[2].status"] as? String, "refused")
        XCTAssertEqual(fields["applications[2].responsible"] as? String, "nav")
        XCTAssertEqual(fields["answers[0].decision"] as? String, "refused", "the answer stays as the evidence")

        // A decision without its reply deadline is refused on NAV's side in one line, and no file is written.
        try v.cli.write("feil.yaml", "kind: deposit-guarantee\ndecision: granted\ndecision_date: 2026-12-03\n")
        let refused = try v.cli.run(["handover", "answer", "--bundle", v.cli.path("til-nav.cvb"), "--answer-file", v.cli.path("feil.yaml"),
                                     "--identity", v.cli.path("nav.key"), "--passphrase-file", v.passFile, "--trust", v.rootFingerprint,
                                     "--out", v.cli.path("feil.cva")])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("decision_respond_by"), refused.stderr)
        XCTAssertEqual(refused.stderr.split(separator: "\n").count, 1, refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: v.cli.path("feil.cva")))
    }
}
