import CaseVaultCore
import CaseVaultSamples
import Foundation
import XCTest

/// `handover request | requests | review | approve | reject`, `handover create --request`,
/// `handover answer` and `handover import-answer`, run as the contact person, the leader and
/// the police would, each with their own key file.
final class HandoverRequestCLITests: XCTestCase {
    private var centre: CLIVault!
    private var cli: CLI!
    private var caseID = ""

    override func setUpWithError() throws {
        setenv("CASEVAULT_TEST_INSECURE_KDF", "1", 1)
        centre = try CLIVault(members: [("kari", "contact-person")])
        cli = centre.cli
        let police = try cli.newIdentity(out: "politi.key", passphraseFile: "pass")
        try cli.ok(["recipient", "add", "--vault", "vault", "--identity", "lina.key", "--passphrase-file", "pass", "--id", "oslo-politidistrikt",
                    "--name", "Oslo politidistrikt", "--role", "police", "--public-key", police.publicIdentity, "--fingerprint", police.fingerprint])
        try cli.write("sample.yaml", SampleCase.yaml)
        let created = try cli.ok(["case", "new", "--vault", "vault", "--identity", "kari.key", "--passphrase-file", "pass", "sample.yaml", "--json"])
        caseID = try XCTUnwrap(try CLI.object(created.stdout)["case"] as? String)
    }

    override func tearDown() { cli?.cleanUp() }

    private func `as`(_ who: String) -> [String] { ["--vault", "vault", "--identity", "\(who).key", "--passphrase-file", "pass"] }

    /// kari asks, lina reviews and approves, kari sends; returns the bundle's file name.
    private func approvedBundle() throws -> String {
        let asked = try cli.ok(["handover", "request"] + `as`("kari") + ["--case", caseID, "--to", "oslo-politidistrikt", "--basis", "consent",
                                "--purpose-file", try cli.write("purpose.txt", "Sikkerhetstiltak ved ny bolig"),
                                "--consent-file", try cli.write("consent.txt", "SAM-2026-014")])
        let id = try XCTUnwrap(asked.stdout.split(separator: " ").dropFirst().first.map { String($0.dropLast()) })
        XCTAssertEqual(id.count, 32, asked.stdout)

        let listed = try cli.ok(["handover", "requests"] + `as`("lina") + ["--json"])
        let rows = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]]
        XCTAssertEqual(rows?.first?["status"] as? String, "pending")
        try cli.fails(["handover", "approve", id] + `as`("lina"), status: 73)  // not reviewed yet
        let review = try cli.ok(["handover", "review", id] + `as`("lina"))
        XCTAssertTrue(review.stdout.contains("alias (person.alias, ") && review.stdout.contains("byte forseglet): Blåklokke"), review.stdout)
        XCTAssertTrue(review.stdout.contains("threats[0].perpetrators[0].name"), "every path is named, even those sealed from the leader")
        XCTAssertTrue(review.stdout.contains("(forseglet for din rolle)"), review.stdout)
        try cli.fails(["handover", "approve", id] + `as`("kari"), status: 77)  // the requester cannot approve
        try cli.ok(["handover", "approve", id] + `as`("lina"))

        try cli.fails(["handover", "create"] + `as`("kari") + ["--request", id, "--to", "oslo-politidistrikt", "--out", "x.cvb"], status: 64)
        try cli.ok(["handover", "create"] + `as`("kari") + ["--request", id, "--out", "til-politiet.cvb"])
        try cli.fails(["handover", "create"] + `as`("kari") + ["--request", id, "--out", "igjen.cvb"], status: 73)
        return "til-politiet.cvb"
    }

    func testARequestIsApprovedByTheLeaderWithHerOwnKeyThenSentAndOpenedByThePolice() throws {
        let bundle = try approvedBundle()
        let opened = try cli.ok(["handover", "open", bundle, "--identity", "politi.key", "--passphrase-file", "pass", "--trust", centre.rootFingerprint])
        XCTAssertTrue(opened.stdout.contains("godkjent av: Lina"), opened.stdout)
        // The sent bundle's expiry and its unconfirmed receipt are among kari's deadlines.
        let tasks = try cli.ok(["tasks"] + `as`("kari") + ["--days", "60", "--json"])
        let kinds = (try JSONSerialization.jsonObject(with: Data(tasks.stdout.utf8)) as? [[String: Any]])?.compactMap { $0["kind"] as? String }
        XCTAssertTrue(kinds?.contains("bundle-expiry") ?? false, tasks.stdout)
        XCTAssertTrue(kinds?.contains("receipt-missing") ?? false, tasks.stdout)
        let text = try cli.ok(["tasks"] + `as`("kari") + ["--days", "60"])
        XCTAssertTrue(text.stdout.contains("Pakke til oslo-politidistrikt utløper"), text.stdout)
    }

    func testThePoliceAnswerAndTheCentreImportsItAsAVersionFromThePolice() throws {
        let bundle = try approvedBundle()
        try cli.write("vurdering.yaml", "kind: assessment\nassessment_tool: SARA:SV\nassessment_level: high\nassessment_date: 2026-11-30\n")
        try cli.ok(["handover", "answer", "--bundle", bundle, "--answer-file", "vurdering.yaml", "--identity", "politi.key", "--passphrase-file", "pass",
                    "--trust", centre.rootFingerprint, "--out", "svar.cva"])
        try cli.fails(["handover", "import-answer", "svar.cva"] + `as`("lina"), status: 77)  // sealed to kari, who sent the bundle
        let imported = try cli.ok(["handover", "import-answer", "svar.cva"] + `as`("kari"))
        XCTAssertTrue(imported.stdout.contains("from politi: oslo-politidistrikt"), imported.stdout)
        try cli.fails(["handover", "import-answer", "svar.cva"] + `as`("kari"), status: 73)  // a replay

        let history = try cli.ok(["case", "history", caseID] + `as`("kari"))
        let last = try XCTUnwrap(history.stdout.split(separator: "\n").last)
        XCTAssertTrue(last.hasSuffix("from politi: oslo-politidistrikt"), String(last))
        let shown = try centre.showJSON(caseID, as: "kari")
        let fields = try XCTUnwrap(shown["fields"] as? [String: Any])
        XCTAssertEqual(fields["answers[0].assessment_level"] as? String, "high")

        // A flipped byte in the answer file is refused, and nothing is written.
        var bytes = try XCTUnwrap(FileManager.default.contents(atPath: cli.path("svar.cva")))
        bytes[bytes.count - 1] ^= 1
        try bytes.write(to: URL(fileURLWithPath: cli.path("endret.cva")))
        let versions = try centre.count("case_versions")
        try cli.fails(["handover", "import-answer", "endret.cva"] + `as`("kari"), status: 77)
        XCTAssertEqual(try centre.count("case_versions"), versions)
    }

    func testTheImportedAssessmentIsMergedIntoTheThreatMappingOnlyOnceConfirmed() throws {
        let bundle = try approvedBundle()
        try cli.write("vurdering.yaml", "kind: assessment\nassessment_tool: SARA:SV\nassessment_level: high\nassessment_date: 2026-11-30\n")
        try cli.ok(["handover", "answer", "--bundle", bundle, "--answer-file", "vurdering.yaml", "--identity", "politi.key", "--passphrase-file", "pass",
                    "--trust", centre.rootFingerprint, "--out", "svar.cva"])
        try cli.ok(["handover", "import-answer", "svar.cva"] + `as`("kari"))
        let versions = try centre.count("case_versions")
        // No terminal to confirm at and no --yes: the changes are shown, nothing is written.
        let asked = try cli.run(["-w", CLI.binary.path, "handover", "merge-answer", caseID, "--answer", "1"] + `as`("kari"), stdin: "",
                                executable: "/usr/bin/setsid")
        XCTAssertNotEqual(asked.status, 0)
        XCTAssertTrue(asked.stdout.contains("threats[0].police_assessment.level"), asked.stdout)
        XCTAssertTrue(asked.stderr.contains("--yes"), asked.stderr)
        XCTAssertEqual(try centre.count("case_versions"), versions)
        try cli.fails(["handover", "merge-answer", caseID, "--answer", "2", "--yes"] + `as`("kari"), status: 66)
        let merged = try cli.ok(["handover", "merge-answer", caseID, "--answer", "1", "--yes"] + `as`("kari"))
        XCTAssertTrue(merged.stdout.contains("Wrote 3 change(s)"), merged.stdout)
        let fields = try XCTUnwrap(try centre.showJSON(caseID, as: "kari")["fields"] as? [String: Any])
        XCTAssertEqual(fields["threats[0].police_assessment.level"] as? String, "high")
        let again = try cli.ok(["handover", "merge-answer", caseID, "--answer", "1"] + `as`("kari"))
        XCTAssertTrue(again.stdout.contains("ingen endring"), again.stdout)
    }
}
