import CaseVaultCore
import CaseVaultSamples
import Foundation
import XCTest

/// After a command by one member, every other member's client, the auditor's offline check and
/// a client with no saved state still list and read: the view from every seat, through the binary.
final class EverySeatCLITests: XCTestCase {
    private var centre: CLIVault!
    private var cli: CLI!
    private var caseID = ""

    override func setUpWithError() throws {
        setenv("CASEVAULT_TEST_INSECURE_KDF", "1", 1)
        centre = try CLIVault(members: [("kari", "contact-person"), ("nils", "night-shift"), ("anne", "auditor")])
        cli = centre.cli
        let police = try cli.newIdentity(out: "politi.key", passphraseFile: "pass")
        try cli.ok(["recipient", "add"] + `as`("lina") + ["--id", "politi", "--name", "Politiet", "--role", "police",
                                                         "--public-key", police.publicIdentity, "--fingerprint", police.fingerprint])
        try cli.write("sample.yaml", SampleCase.yaml)
        caseID = try XCTUnwrap(try CLI.object(try cli.ok(["case", "new", "sample.yaml", "--json"] + `as`("kari")).stdout)["case"] as? String)
    }

    override func tearDown() { cli?.cleanUp() }

    private func `as`(_ who: String) -> [String] { ["--vault", "vault", "--identity", "\(who).key", "--passphrase-file", "pass"] }

    /// Each member lists and reads with their own saved state; a copy of each key file on a new
    /// machine (no state) does the same; the auditor's export verifies with the pinned root.
    private func assertEverySeatReads(_ when: String, file: StaticString = #filePath, line: UInt = #line) throws {
        for who in ["kari", "nils", "lina"] {
            let listed = try cli.run(["case", "list"] + `as`(who))
            XCTAssertEqual(listed.status, 0, "\(when): \(who): case list: \(listed.stderr)", file: file, line: line)
            XCTAssertFalse(listed.stdout.contains("FAILED"), "\(when): \(who): \(listed.stdout)", file: file, line: line)
            let shown = try cli.run(["case", "show", caseID] + `as`(who))
            XCTAssertEqual(shown.status, 0, "\(when): \(who): case show: \(shown.stderr)", file: file, line: line)
        }
        let fresh = "fresh-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: cli.path(fresh), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: cli.path("nils.key"), toPath: cli.path("\(fresh)/nils.key"))
        try cli.ok(["vault", "trust", "--vault", "vault", "--identity", "\(fresh)/nils.key", "--fingerprint", centre.rootFingerprint])
        let stateless = try cli.run(["case", "list", "--vault", "vault", "--identity", "\(fresh)/nils.key", "--passphrase-file", "pass"])
        XCTAssertEqual(stateless.status, 0, "\(when): a client with no state: \(stateless.stderr)", file: file, line: line)
        let export = "logg-\(UUID().uuidString.prefix(8))"
        try cli.ok(["audit", "export", cli.path(export)] + `as`("anne"))
        let verified = try cli.run(["audit", "verify", cli.path(export), "--root-fingerprint", centre.rootFingerprint])
        XCTAssertEqual(verified.status, 0, "\(when): audit verify: \(verified.stdout) \(verified.stderr)", file: file, line: line)
    }

    /// The police answer imported by the contact person, then an ordinary note: once, this locked
    /// every other member out of the case, and after the note out of the whole vault.
    func testAnImportedAnswerAndTheNextNoteLeaveEverySeatReading() throws {
        let bundle = try cli.ok(["handover", "create", "--case", caseID, "--to", "politi", "--basis", "consent",
                                 "--purpose-file", try cli.write("formaal.txt", "Sikkerhetstiltak ved ny bolig"),
                                 "--consent-file", try cli.write("samtykke.txt", "SAM-2026-014"), "--expires", "2027-01-01",
                                 "--approver-identity", "lina.key", "--approver-passphrase-file", "pass", "--out", "b.cvb"] + `as`("kari"))
        XCTAssertEqual(bundle.status, 0)
        try assertEverySeatReads("after the handover")
        try cli.write("svar.yaml", "kind: assessment\nassessment_tool: SARA:SV\nassessment_level: high\nassessment_date: 2026-11-30\n")
        try cli.ok(["handover", "answer", "--bundle", "b.cvb", "--answer-file", "svar.yaml", "--identity", "politi.key", "--passphrase-file", "pass",
                    "--trust", centre.rootFingerprint, "--out", "a.cva"])
        try cli.ok(["handover", "import-answer", "a.cva"] + `as`("kari"))
        try assertEverySeatReads("after the answer import")
        let note = try cli.run(["case", "update", caseID, "-"] + `as`("kari"), stdin: "add:\n  notes: {date: 2026-12-07, text: \"x\"}\n")
        XCTAssertEqual(note.status, 0, note.stderr)
        try assertEverySeatReads("after the next note")
    }

    /// The night shift's do-not-admit view survives one damaged case: the list names it, prints
    /// every other case, and exits 77 so a script notices.
    func testOneDamagedCaseNeverHidesTheOthersFromTheNightShift() throws {
        try cli.write("second.yaml", "case: {type: resident, phase: 1, status: open, opened: 2026-11-20}\nperson: {alias: Solsikke, gender: female}\n")
        let second = try XCTUnwrap(try CLI.object(try cli.ok(["case", "new", "second.yaml", "--json"] + `as`("kari")).stdout)["case"] as? String)
        try centre.tamperLatestVersion(of: caseID)
        for command in [["case", "list"], ["tasks", "--days", "3650"]] {
            let r = try cli.run(command + `as`("nils"))
            XCTAssertEqual(r.status, 77, "\(command): \(r.stderr)")
            XCTAssertTrue(r.stdout.contains("\(caseID)  FAILED VERIFICATION: "), "\(command): \(r.stdout)")
            XCTAssertTrue(r.stderr.contains("1 case failed verification"), "\(command): \(r.stderr)")
            if command[0] == "case" { XCTAssertTrue(r.stdout.contains(second) && r.stdout.contains("Solsikke"), r.stdout) }
        }
        XCTAssertEqual(try cli.run(["case", "show", second] + `as`("nils")).status, 0)
    }
}
