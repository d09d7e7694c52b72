import CaseVaultSamples
import Foundation
import XCTest

/// Who may send a bundle, through the binary: the night shift is refused in one logged line and
/// nothing is written; the recipient sees the centre's name from the signed roster and keeps a
/// state file beside its key.
final class HandoverSenderCLITests: XCTestCase {
    func testTheNightShiftIsRefusedAndTheRecipientSeesTheRostersCentreName() throws {
        setenv("CASEVAULT_TEST_INSECURE_KDF", "1", 1)
        let centre = try CLIVault(members: [("kari", "contact-person"), ("nils", "night-shift")])
        let cli = centre.cli
        let nav = try cli.newIdentity(out: "nav.key", passphraseFile: centre.passFile)
        try cli.ok(["recipient", "add", "--id", "nav-nyby", "--name", "NAV Nyby", "--role", "nav", "--public-key", nav.publicIdentity,
                    "--fingerprint", nav.fingerprint] + centre.as("lina"))
        let caseID = try centre.newCase(SampleCase.yaml)
        func create(_ member: String, _ out: String) throws -> CLI.Result {
            try centre.run(as: member, ["handover", "create", "--case", caseID, "--to", "nav-nyby", "--purpose-file", try cli.write("purpose.txt", "Bostøtte"),
                                        "--basis", "consent", "--consent-file", try cli.write("consent.txt", "SAM-2026-016"), "--out", cli.path(out)])
        }

        let refused = try create("nils", "nils.cvb")
        refused.assertError(77, "night shift", mentioning: "may not send a bundle to nav-nyby")
        XCTAssertNil(FileManager.default.contents(atPath: cli.path("nils.cvb")), "no bundle file is left behind")
        let log = try centre.run(as: "lina", ["audit", "log", "--json"])
        XCTAssertEqual(log.status, 0, log.stderr)
        XCTAssertTrue(log.stdout.contains("access.denied") && log.stdout.contains("handover.create"), "the refusal is logged")

        XCTAssertEqual(try create("kari", "kari.cvb").status, 0)
        let opened = try cli.ok(["handover", "open", cli.path("kari.cvb"), "--identity", cli.path("nav.key"), "--passphrase-file", centre.passFile,
                                 "--trust", centre.rootFingerprint])
        XCTAssertTrue(opened.stdout.hasPrefix("Utlevering fra Testsenteret — verifisert\n"), opened.stdout)
        let state = try FileManager.default.contentsOfDirectory(atPath: cli.path(".")).filter { $0.hasPrefix("nav.key.") && $0.hasSuffix(".received") }
        XCTAssertEqual(state.count, 1, "the recipient remembers the centre beside its key file")
    }
}
