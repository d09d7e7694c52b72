import CaseVaultCore
import CaseVaultSamples
import Foundation
import XCTest

/// `--field` on `handover create` and `handover request`, run as the contact person, the leader
/// and the housing office would, each with their own key file.
final class HandoverFieldCLITests: XCTestCase {
    private var centre: CLIVault!
    private var cli: CLI!
    private var caseID = ""
    private let choice = ["--field", "person.legal_name", "--field", "housing.excluded_areas", "--field", "consents"]

    override func setUpWithError() throws {
        setenv("CASEVAULT_TEST_INSECURE_KDF", "1", 1)
        centre = try CLIVault(members: [("kari", "contact-person")])
        cli = centre.cli
        let office = try cli.newIdentity(out: "bolig.key", passphraseFile: "pass")
        try cli.ok(["recipient", "add"] + centre.as("lina") + ["--id", "nyby-bolig", "--name", "Nyby boligkontor", "--role", "housing-office",
                    "--public-key", office.publicIdentity, "--fingerprint", office.fingerprint])
        caseID = try centre.newCase(SampleCase.yaml)
    }

    override func tearDown() { cli?.cleanUp() }

    private func selection() throws -> [String] {
        ["--case", caseID, "--to", "nyby-bolig", "--basis", "consent", "--purpose-file", try cli.write("purpose.txt", "Søknad om kommunal bolig"),
         "--consent-file", try cli.write("consent.txt", "SAM-2026-015")]
    }

    private func open(_ bundle: String, json: Bool = false) throws -> CLI.Result {
        try cli.ok(["handover", "open", bundle, "--identity", "bolig.key", "--passphrase-file", "pass", "--trust", centre.rootFingerprint]
                   + (json ? ["--json"] : []))
    }

    func testTheHousingOfficeOpensOnlyTheChosenFieldsAndItsOwnConsent() throws {
        let made = try cli.ok(["handover", "create"] + centre.as("kari") + (try selection()) + choice + ["--out", "til-bolig.cvb"])
        XCTAssertTrue(made.stdout.contains("Fields included: 8"), made.stdout)  // two chosen fields and the six of consents[1]
        let fields = try XCTUnwrap(try CLI.object(try open("til-bolig.cvb", json: true).stdout)["fields"] as? [String: Any])
        let consent = ["purpose", "recipient_role", "reference", "written", "given_on", "valid_to"].map { "consents[1].\($0)" }
        XCTAssertEqual(Set(fields.keys), Set(["person.legal_name", "housing.excluded_areas"] + consent))
        let text = try open("til-bolig.cvb").stdout
        XCTAssertTrue(text.contains("juridisk navn:"), text)
        XCTAssertTrue(text.contains("utelukkede områder:"), text)
        XCTAssertFalse(text.contains("Kontakt med politiet"), "the police's consent does not reach the housing office: \(text)")
        XCTAssertFalse(text.contains("Tett bebygd"), "an unchosen field the policy allows stays home: \(text)")
    }

    func testAFieldTheHousingOfficeMayNotGetIsRefusedAndNothingIsWritten() throws {
        let log = try cli.ok(["audit", "log"] + centre.as("lina") + ["--json"]).stdout
        let refused = try cli.fails(["handover", "create"] + centre.as("kari") + (try selection())
                                    + ["--field", "person.legal_name", "--field", "threats[0].narrative", "--out", "til-bolig.cvb"], status: 65)
        XCTAssertTrue(refused.stderr.contains("threats[0].narrative"), refused.stderr)
        XCTAssertEqual(refused.stderr.split(separator: "\n").filter { $0.contains("error") }.count, 1, refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.path("til-bolig.cvb")), "no bundle is written")
        try cli.fails(["handover", "request"] + centre.as("kari") + (try selection()) + ["--field", "measures[9]"], status: 65)
        let after = try cli.ok(["audit", "log"] + centre.as("lina") + ["--json"]).stdout
        let added = try entries(after).dropFirst(try entries(log).count).compactMap { ($0 as? [String: Any])?["action"] as? String }
        XCTAssertFalse(added.isEmpty, "lina's first `audit log` is itself logged")
        XCTAssertTrue(Set(added).isDisjoint(with: ["handover.create", "handover.request", "access.denied"]), "a refused choice logs nothing: \(added)")
    }

    func testTheReviewShowsTheChosenFieldsWithLabelsSizesAndPurpose() throws {
        let asked = try cli.ok(["handover", "request"] + centre.as("kari") + (try selection()) + choice)
        XCTAssertTrue(asked.stdout.contains("8 field(s)"), asked.stdout)
        let id = try XCTUnwrap(asked.stdout.split(separator: " ").dropFirst().first.map { String($0.dropLast()) })
        let review = try cli.ok(["handover", "review", id] + centre.as("lina")).stdout
        XCTAssertTrue(review.contains("formål: Søknad om kommunal bolig"), review)
        XCTAssertTrue(review.contains("Disse 8 feltene vil bli utlevert:"), review)
        XCTAssertTrue(review.contains("juridisk navn (person.legal_name, "), review)
        XCTAssertTrue(review.contains("byte forseglet): (forseglet for din rolle)"), review)
        XCTAssertTrue(review.contains("referanse (consents[1].reference, "), review)
        XCTAssertFalse(review.contains("consents[0]") || review.contains("housing.neighbourhood"), review)
        XCTAssertFalse(review.contains("Lindeveien"), review)
        let json = try CLI.object(try cli.ok(["handover", "review", id] + centre.as("lina") + ["--json"]).stdout)
        XCTAssertEqual((json["sizes"] as? [String: Int])?.count, 8, "\(json)")

        // lina rejects, naming a field to drop; kari sees it.
        let reason = try cli.write("r.txt", "Ikke navnet")
        try cli.fails(["handover", "reject", id] + centre.as("lina") + ["--reason-file", reason, "--drop", "threats"], status: 65)
        let rejected = try cli.ok(["handover", "reject", id] + centre.as("lina") + ["--reason-file", reason, "--drop", "person.legal_name"])
        XCTAssertTrue(rejected.stdout.contains("asked to drop person.legal_name"), rejected.stdout)
        let listed = try cli.ok(["handover", "requests", "--all"] + centre.as("kari")).stdout
        XCTAssertTrue(listed.contains("avslått: Ikke navnet; ta ut: person.legal_name"), listed)
    }

    private func entries(_ json: String) throws -> [Any] {
        let any = try JSONSerialization.jsonObject(with: Data(json.utf8))
        if let rows = any as? [Any] { return rows }
        return try XCTUnwrap((any as? [String: Any])?["entries"] as? [Any])
    }
}
