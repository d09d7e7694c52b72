import CaseVaultCore
import CaseVaultSamples
import Foundation
import SodiumKit
import XCTest

/// `casevault recipient` and `casevault handover`, run as a user would.
final class HandoverCLITests: XCTestCase {
    private var centre: CLIVault!
    private var cli: CLI!
    private var rootFingerprint = ""
    private var caseID = ""
    private var policePublic = ""
    private var policeFingerprint = ""

    override func setUpWithError() throws {
        setenv("CASEVAULT_TEST_INSECURE_KDF", "1", 1)
        // The centre: a vault with lina (leader, root) and kari (contact person) and the sample case.
        // The centre's vault (a test vault) runs an hour behind: what it dates is already past
        // for the recipient, who opens bundles on the real clock, so expiry needs no waiting.
        let anHourAgo = Timestamp(seconds: Timestamp.now().seconds - 3600).rfc3339
        centre = try CLIVault(members: [("kari", "contact-person")], passphrase: "blå hest batteri stift",
                              environment: ["CASEVAULT_TEST_TIME": anHourAgo])
        cli = centre.cli
        rootFingerprint = centre.rootFingerprint
        // The police make their own keys, with no vault.
        let police = try cli.newIdentity(out: "politi.key", passphraseFile: "pass")
        policePublic = police.publicIdentity
        policeFingerprint = police.fingerprint
        try cli.write("sample.yaml", SampleCase.yaml)
        let created = try cli.ok(["case", "new", "--vault", "vault", "--identity", "kari.key", "--passphrase-file", "pass", "sample.yaml", "--json"])
        caseID = try XCTUnwrap(try CLI.object(created.stdout)["case"] as? String)
    }

    override func tearDown() { cli?.cleanUp() }

    // MARK: - Helpers

    private func addPolice() throws {
        try cli.ok(["recipient", "add", "--vault", "vault", "--identity", "lina.key", "--passphrase-file", "pass", "--id", "politi-ost",
                "--name", "Øst politidistrikt", "--role", "police", "--public-key", policePublic, "--fingerprint", policeFingerprint])
    }

    private func createBundle(_ out: String, extra: [String] = []) throws -> CLI.Result {
        try cli.run(["handover", "create", "--vault", "vault", "--identity", "kari.key", "--passphrase-file", "pass", "--case", caseID,
                     "--to", "politi-ost", "--purpose-file", try cli.write("purpose.txt", "Sikkerhetstiltak ved ny bolig"), "--basis", "consent", "--consent-file", try cli.write("consent.txt", "SAM-2026-014"),
                     "--approver-identity", "lina.key", "--approver-passphrase-file", "pass", "--out", out] + extra)
    }

    private func openArgs(_ file: String, trust: String? = nil) -> [String] {
        ["handover", "open", file, "--identity", "politi.key", "--passphrase-file", "pass", "--trust", trust ?? rootFingerprint]
    }

    private func fileBytes(_ name: String) -> Data? { FileManager.default.contents(atPath: cli.path(name)) }

    // MARK: - Tests

    func testRecipientAddRefusesAWrongFingerprint() throws {
        var wrong = Array(policeFingerprint)
        wrong[0] = wrong[0] == "0" ? "1" : "0"
        try cli.fails(["recipient", "add", "--vault", "vault", "--identity", "lina.key", "--passphrase-file", "pass", "--id", "politi-ost",
                   "--name", "Øst politidistrikt", "--role", "police", "--public-key", policePublic, "--fingerprint", String(wrong)], status: 77)
        // kari's fingerprint for the police's key: also wrong.
        try cli.fails(["recipient", "add", "--vault", "vault", "--identity", "lina.key", "--passphrase-file", "pass", "--id", "politi-ost",
                   "--name", "Øst politidistrikt", "--role", "police", "--public-key", policePublic,
                   "--fingerprint", String(repeating: "0", count: 32)], status: 77)
        let list = try CLI.object(try cli.ok(["recipient", "list", "--vault", "vault", "--json"]).stdout)
        XCTAssertEqual((list["entries"] as? [Any])?.count, 0, "nothing may be registered after a refused fingerprint")
        // The fingerprint as people read it out (upper case, no spaces) is accepted.
        try cli.ok(["recipient", "add", "--vault", "vault", "--identity", "lina.key", "--passphrase-file", "pass", "--id", "politi-ost",
                "--name", "Øst politidistrikt", "--role", "police", "--public-key", policePublic,
                "--fingerprint", policeFingerprint.uppercased().replacingOccurrences(of: " ", with: "")])
        let show = try CLI.object(try cli.ok(["recipient", "show", "--vault", "vault", "politi-ost", "--json"]).stdout)
        XCTAssertEqual(show["fingerprint"] as? String, policeFingerprint)
        XCTAssertEqual(show["role"] as? String, "police")
    }

    func testCreateOpenReceiptConfirmRoundTrip() throws {
        try addPolice()
        let created = try createBundle("bundle.cvb")
        XCTAssertEqual(created.status, 0, created.stderr)
        XCTAssertTrue(created.stdout.contains("for politi-ost (police)"), created.stdout)
        let bundle = try XCTUnwrap(fileBytes("bundle.cvb"))
        let attributes = try FileManager.default.attributesOfItem(atPath: cli.path("bundle.cvb"))
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        XCTAssertEqual(Array(bundle.prefix(8)), Array("CVBUNDLE".utf8))

        // Text: manifest first with Norwegian labels, then the fields.
        let text = try cli.ok(openArgs("bundle.cvb"))
        XCTAssertTrue(text.stdout.hasPrefix("Utlevering fra Testsenteret — verifisert\n"), text.stdout)
        for expected in ["avsender: Kari (kari)", "godkjent av: Lina Leder (lina)", "mottaker: politi-ost (politi)",
                         "formål: Sikkerhetstiltak ved ny bolig", "grunnlag: samtykke (SAM-2026-014)", "Ola Fiktiv Voldsen"] {
            XCTAssertTrue(text.stdout.contains(expected), "missing \"\(expected)\" in:\n\(text.stdout)")
        }
        for forbidden in ["Arbeidsavklaringspenger", "Lindeveien 14 B", "Beboer forteller"] {
            XCTAssertFalse(text.stdout.contains(forbidden), "the police's view shows \"\(forbidden)\"")
        }
        XCTAssertEqual(text.stderr, "")

        // JSON.
        let j = try CLI.object(try cli.ok(openArgs("bundle.cvb") + ["--json"]).stdout)
        XCTAssertEqual(j["recipient"] as? String, "politi-ost")
        XCTAssertEqual(j["recipient_role"] as? String, "police")
        XCTAssertEqual(j["sender"] as? String, "kari")
        XCTAssertEqual(j["approved_by"] as? String, "lina")
        XCTAssertEqual(j["case"] as? String, caseID)
        XCTAssertEqual(j["expired"] as? Bool, false)
        XCTAssertEqual(j["basis"] as? String, "consent")
        let fields = try XCTUnwrap(j["fields"] as? [String: Any])
        XCTAssertEqual(fields["threats[0].perpetrators[0].name"] as? String, "Ola Fiktiv Voldsen")
        XCTAssertEqual(fields["threats[0].perpetrators[0].weapons_access"] as? Bool, true)
        XCTAssertNil(fields["economy.income"])
        XCTAssertNil(fields["address.new"], "no --include-address")
        XCTAssertFalse(fields.keys.contains { $0.hasSuffix(".narrative") })
        let bundleID = try XCTUnwrap(j["bundle"] as? String)

        // Receipt (recipient side), then confirm (centre side), twice.
        let receipt = try cli.ok(["handover", "receipt", "bundle.cvb", "--identity", "politi.key", "--passphrase-file", "pass",
                              "--trust", rootFingerprint, "--out", "receipt.txt"])
        XCTAssertTrue(receipt.stdout.contains(bundleID))
        let receiptText = try XCTUnwrap(fileBytes("receipt.txt").map { String(decoding: $0, as: UTF8.self) })
        XCTAssertTrue(receiptText.hasPrefix("casevault-handover-receipt v1\nbundle \(bundleID)\n"), receiptText)
        let confirm = try cli.ok(["handover", "confirm", "--vault", "vault", "--identity", "kari.key", "--passphrase-file", "pass", "receipt.txt"])
        XCTAssertTrue(confirm.stdout.contains("politi-ost received bundle \(bundleID)"), confirm.stdout)
        let second = try cli.fails(["handover", "confirm", "--vault", "vault", "--identity", "kari.key", "--passphrase-file", "pass", "receipt.txt"], status: 73)
        XCTAssertTrue(second.stderr.contains("already"), second.stderr)

        // The case records the disclosure and its receipt date.
        let shown = try CLI.object(try cli.ok(["case", "show", "--vault", "vault", "--identity", "kari.key", "--passphrase-file", "pass", caseID, "--json"]).stdout)
        let caseFields = try XCTUnwrap(shown["fields"] as? [String: Any])
        XCTAssertEqual(caseFields["disclosures[0].bundle"] as? String, bundleID, "the case lists the disclosure")
        XCTAssertEqual(caseFields["disclosures[0].recipient"] as? String, "politi-ost")
        XCTAssertNotNil(caseFields["disclosures[0].receipt"] as? String, "the case records the receipt")
    }

    func testOpeningWithTheWrongTrustedRootExits77() throws {
        try addPolice()
        XCTAssertEqual(try createBundle("bundle.cvb").status, 0)
        var other = Array(rootFingerprint)
        other[0] = other[0] == "a" ? "b" : "a"
        let r = try cli.fails(openArgs("bundle.cvb", trust: String(other)), status: 77)
        XCTAssertTrue(r.stderr.contains("centre root"), r.stderr)
        try cli.fails(openArgs("bundle.cvb", trust: policeFingerprint), status: 77)
        try cli.fails(["handover", "receipt", "bundle.cvb", "--identity", "politi.key", "--passphrase-file", "pass", "--trust", String(other), "--out", "r.txt"], status: 77)
        XCTAssertNil(fileBytes("r.txt"), "no receipt for a bundle that did not verify")
        // A tampered file and a truncated one: one line, non-zero.
        var bytes = try XCTUnwrap(fileBytes("bundle.cvb"))
        bytes[bytes.count - 3] ^= 1
        try bytes.write(to: URL(fileURLWithPath: cli.path("tampered.cvb")))
        try cli.fails(openArgs("tampered.cvb"), status: 77)
        try Data(bytes.prefix(200)).write(to: URL(fileURLWithPath: cli.path("truncated.cvb")))
        try cli.fails(openArgs("truncated.cvb"), status: 65)
    }

    func testOutOfAnExistingFileIsRefusedAndTheFileUnchanged() throws {
        try addPolice()
        let original = Data("my precious file\n".utf8)
        try original.write(to: URL(fileURLWithPath: cli.path("existing.cvb")))
        let before = try CLI.object(try cli.ok(["case", "show", "--vault", "vault", "--identity", "kari.key", "--passphrase-file", "pass", caseID, "--json"]).stdout)
        let r = try createBundle("existing.cvb")
        XCTAssertEqual(r.status, 73, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("casevault: error: ") && r.stderr.split(separator: "\n").filter { !$0.hasPrefix("casevault: hint: ") }.count == 1, r.stderr)
        XCTAssertEqual(fileBytes("existing.cvb"), original, "the existing file must be untouched")
        let after = try CLI.object(try cli.ok(["case", "show", "--vault", "vault", "--identity", "kari.key", "--passphrase-file", "pass", caseID, "--json"]).stdout)
        XCTAssertEqual(after["version"] as? Int, before["version"] as? Int, "no disclosure recorded for a bundle that was never written")
        // The receipt's --out too.
        XCTAssertEqual(try createBundle("bundle.cvb").status, 0)
        try original.write(to: URL(fileURLWithPath: cli.path("receipt.txt")))
        try cli.fails(["handover", "receipt", "bundle.cvb", "--identity", "politi.key", "--passphrase-file", "pass", "--trust", rootFingerprint,
                   "--out", "receipt.txt"], status: 73)
        XCTAssertEqual(fileBytes("receipt.txt"), original)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: cli.workdir.path).filter { $0.contains(".partial") }
        XCTAssertEqual(leftovers, [], "no temporary files left behind")
    }

    /// A bundle is written under a temporary sibling name and linked to its name only when
    /// complete, so a killed command never leaves an empty bundle; a bundle's sibling left by a
    /// dead process is removed when a bundle is next written there, whatever its name.
    func testABundleNeverExistsEmptyAndAbandonedPartialsAreRemoved() throws {
        try addPolice()
        var deadPID: Int32 = 4_000_000
        while kill(deadPID, 0) == 0 || errno != ESRCH { deadPID -= 1 }
        let abandoned = cli.path("bundle.cvb.partial-\(deadPID)"), earlier = cli.path("earlier.cvb.partial-\(deadPID)")
        let running = cli.path("running.cvb.partial-\(getpid())"), other = cli.path("notes.txt.partial-\(deadPID)")
        for f in [abandoned, earlier, running, other] { try Data().write(to: URL(fileURLWithPath: f)) }
        XCTAssertEqual(try createBundle("bundle.cvb").status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: abandoned), "the abandoned partial file is removed")
        XCTAssertFalse(FileManager.default.fileExists(atPath: earlier), "so is one a killed run left under another bundle name")
        XCTAssertTrue(FileManager.default.fileExists(atPath: running), "a running process's partial file is kept")
        XCTAssertTrue(FileManager.default.fileExists(atPath: other), "another kind of output's is not touched")
        for f in [running, other] { try FileManager.default.removeItem(atPath: f) }
        XCTAssertGreaterThan(fileBytes("bundle.cvb")?.count ?? 0, 0)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: cli.workdir.path).filter { $0.contains(".partial") }
        XCTAssertEqual(leftovers, [], "no temporary files left behind")
    }

    /// A bundle that cannot be written was never disclosed: the case must not say it was (the
    /// resident reads her disclosures), so the failure must come before the disclosure is recorded.
    func testOutIntoAMissingFolderFailsWithoutRecordingADisclosure() throws {
        try addPolice()
        let showArgs = ["case", "show", "--vault", "vault", "--identity", "kari.key", "--passphrase-file", "pass", caseID, "--json"]
        let before = try CLI.object(try cli.ok(showArgs).stdout)
        let r = try createBundle("no-such-folder/bundle.cvb")
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.hasPrefix("casevault: error: "), r.stderr)
        let after = try CLI.object(try cli.ok(showArgs).stdout)
        XCTAssertEqual(after["version"] as? Int, before["version"] as? Int, "a disclosure was recorded for a bundle that was never written")
        XCTAssertNil((after["fields"] as? [String: Any])?["disclosures[0].bundle"])
    }

    /// An expired bundle, made in-process with the centre's real keys (the CLI refuses to create one).
    func testExpiredBundleFailsUnlessForcedWhichWarns() throws {
        try addPolice()
        let passphrase = { () throws -> SecureBytes in
            var b = Array("blå hest batteri stift".utf8)
            return try SecureBytes(consuming: &b)
        }
        let kari = try KeyFile.load(from: cli.path("kari.key"), passphrase: try passphrase())
        let lina = try KeyFile.load(from: cli.path("lina.key"), passphrase: try passphrase())
        let vault = try Vault.open(at: cli.path("vault"))
        let roster = try vault.roster()
        let police = try XCTUnwrap(roster.entry("politi-ost"))
        let kariEntry = try XCTUnwrap(roster.entry("kari")), linaEntry = try XCTUnwrap(roster.entry("lina"))
        let created = max(kariEntry.added, police.added)
        let expires = Timestamp(seconds: created.seconds + 1)
        // Built from the core's building blocks with a log of its own (the CLI refuses to make one).
        let draft = HandoverManifest(
            bundleID: Hex.encode(Random.bytes(16)), vaultID: vault.vaultID, caseID: try CaseID(caseID), caseVersion: 2, sender: "kari",
            recipient: "politi-ost", recipientRole: .police, recipientFingerprint: police.identity.fingerprint, purpose: "Sikkerhetstiltak",
            basis: .avvergeplikt, consentReference: nil, approvalRequired: true, created: created, expires: expires,
            logIndex: 0, rosterSerial: 0, policySerial: 0, fields: [], payloadHash: [])
        let maker = StandaloneHandover(roster: try XCTUnwrap(vault.rosterHistory().last), policy: try vault.signedPolicy())
        let bytes = try maker.make(draft, fields: ["person.alias": .text("Blåklokke")], sender: kari.signingKey,
                                   approver: .init(entry: linaEntry, key: lina.signingKey), recipient: police.identity).bytes
        try Data(bytes).write(to: URL(fileURLWithPath: cli.path("expired.cvb")))
        XCTAssertLessThan(expires, Timestamp.now(), "the vault's clock is an hour behind, so the bundle has expired")

        let refused = try cli.fails(openArgs("expired.cvb"), status: 77)
        XCTAssertTrue(refused.stderr.contains("expired") && refused.stderr.contains("--force-expired"), refused.stderr)
        try cli.fails(openArgs("expired.cvb") + ["--json"], status: 77)

        let forced = try cli.ok(openArgs("expired.cvb") + ["--force-expired"])
        let warnings = forced.stderr.split(separator: "\n")
        XCTAssertEqual(warnings.count, 1, forced.stderr)
        XCTAssertTrue(forced.stderr.hasPrefix("casevault: warning:") && forced.stderr.contains("expired"), forced.stderr)
        XCTAssertTrue(forced.stdout.contains("Blåklokke"))
        let j = try CLI.object(try cli.ok(openArgs("expired.cvb") + ["--force-expired", "--json"]).stdout)
        XCTAssertEqual(j["expired"] as? Bool, true)
    }

    func testCreatingAPoliceBundleWithoutTheLeadersApprovalIsRefused() throws {
        try addPolice()
        let r = try cli.fails(["handover", "create", "--vault", "vault", "--identity", "kari.key", "--passphrase-file", "pass", "--case", caseID,
                           "--to", "politi-ost", "--purpose-file", try cli.write("purpose.txt", "Sikkerhetstiltak"), "--basis", "avvergeplikt", "--out", "bundle.cvb"], status: 77)
        XCTAssertTrue(r.stderr.contains("approval"), r.stderr)
        XCTAssertNil(fileBytes("bundle.cvb"))
        try cli.fails(["handover", "create", "--vault", "vault", "--identity", "kari.key", "--passphrase-file", "pass", "--case", caseID,
                   "--to", "politi-ost", "--purpose-file", try cli.write("purpose.txt", "Sikkerhetstiltak"), "--basis", "consent", "--out", "bundle.cvb",
                   "--approver-identity", "lina.key", "--approver-passphrase-file", "pass"], status: 65)   // consent without --consent
        XCTAssertNil(fileBytes("bundle.cvb"))
    }
}
