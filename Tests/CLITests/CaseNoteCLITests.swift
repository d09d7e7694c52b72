import CaseVaultSamples
import Foundation
import XCTest

/// `casevault case note` at 00:40 Oslo time: plain text with a colon, named by alias, and a
/// wrong passphrase that gives the text back; Norwegian values the tool prints are accepted.
final class CaseNoteCLITests: XCTestCase {
    private var v: CLIVault!
    private var caseID = ""
    private let note = "Ringte kl. 02:10: urolig\n\"Han står utenfor\""

    override func setUpWithError() throws {
        setenv("CASEVAULT_TEST_INSECURE_KDF", "1", 1)
        v = try CLIVault(environment: ["CASEVAULT_TEST_TIME": "2026-12-06T23:40:00Z"])
        caseID = try v.newCase(SampleCase.yaml)
    }

    override func tearDown() { v?.cli.cleanUp() }

    func testTheNightShiftAddsANoteByAliasAndTheContactPersonSeesWhoAndWhen() throws {
        let added = try v.run(as: "nils", ["case", "note", "Blåklokke", "-"], stdin: note)
        added.assertSuccess("case note")
        XCTAssertTrue(added.stdout.contains("Added a note to case \(caseID)"), added.stdout)
        let fields = try XCTUnwrap(try v.showJSON(caseID, as: "kari")["fields"] as? [String: Any])
        let entry = try XCTUnwrap(fields.first { $0.value as? String == note }?.key, "the note is stored as typed")
        XCTAssertEqual(fields[entry.replacingOccurrences(of: ".text", with: ".date")] as? String, "2026-12-07")
        let shown = try v.run(as: "kari", ["case", "show", caseID])
        XCTAssertTrue(shown.stdout.contains("Ringte kl. 02:10: urolig\n    \"Han står utenfor\"\n    skrevet av nils, 07.12.2026 kl. 00:40"), shown.stdout)
    }

    func testARefusedNoteIsPrintedBackAndNothingChanges() throws {
        let versions = try v.count("case_versions")
        let wrong = try v.cli.write("wrong", "feil passord her\n")
        let r = try v.cli.run(["case", "note", caseID, "-", "--vault", v.vault, "--identity", v.keyPath("nils"), "--passphrase-file", wrong], stdin: note)
        XCTAssertEqual(r.status, 77, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("casevault: error: wrong passphrase"), r.stderr)
        XCTAssertTrue(r.stderr.hasSuffix("casevault: hint: the note was not saved; it follows, to copy\n\(note)\n"), r.stderr)
        let denied = try v.run(as: "anne", ["case", "note", caseID, "-"], stdin: note)
        XCTAssertNotEqual(denied.status, 0)
        XCTAssertTrue(denied.stderr.contains(note), denied.stderr)
        XCTAssertEqual(try v.count("case_versions"), versions)
    }

    func testTheWordsTheToolPrintsAreAcceptedAsInput() throws {
        try v.newCase("person: {alias: Solsikke, gender: kvinne}\ncase: {type: beboer, opened: 2026-12-01}\ntasks: [{what: Ring, owner: boligkontoret, due: 2026-12-20}]")
        let tasks = try v.run(as: "kari", ["tasks", "--owner", "boligkontoret", "--days", "30", "--json"])
        tasks.assertSuccess("tasks --owner boligkontoret")
        XCTAssertEqual(try XCTUnwrap(tasks.json as? [[String: Any]]).map { $0["owner"] as? String }, ["housing-office"])
    }
}
