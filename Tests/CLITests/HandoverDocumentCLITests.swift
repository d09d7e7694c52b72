import CaseVaultSamples
import Foundation
import XCTest

/// A case document handed to the police through the built binary: `case document add`, then
/// `handover create --field documents[0]`, then the police's `handover open --save-document`.
/// The centre's vault, the bundle and the police's folder hold no plaintext byte of it; only
/// the file the police asked for does.
final class HandoverDocumentCLITests: XCTestCase {
    private var centre: CLIVault!
    private var cli: CLI!
    private var caseID = ""

    override func setUpWithError() throws {
        setenv("CASEVAULT_TEST_INSECURE_KDF", "1", 1)
        centre = try CLIVault(members: [("kari", "contact-person")])
        cli = centre.cli
        // The binary's temporary files go inside the working folder, which the canary scan reads whole.
        try FileManager.default.createDirectory(atPath: cli.path("tmp"), withIntermediateDirectories: false)
        cli.environment["TMPDIR"] = cli.path("tmp")
        // The police keep their key, state file and saved documents in a folder of their own.
        try FileManager.default.createDirectory(atPath: cli.path("politi"), withIntermediateDirectories: false)
        let police = try cli.newIdentity(out: "politi/politi.key", passphraseFile: "pass")
        try cli.ok(["recipient", "add"] + centre.as("lina") + ["--id", "politi-ost", "--name", "Øst politidistrikt", "--role", "police",
                    "--public-key", police.publicIdentity, "--fingerprint", police.fingerprint])
        caseID = try centre.newCase(SampleCase.yaml)
    }

    override func tearDown() { cli?.cleanUp() }

    private func create(_ fields: [String], out: String) throws -> CLI.Result {
        try cli.run(["handover", "create"] + centre.as("kari") + [
            "--case", caseID, "--to", "politi-ost", "--basis", "consent",
            "--purpose-file", try cli.write("purpose.txt", "Sikkerhetstiltak ved ny bolig"), "--consent-file", try cli.write("consent.txt", "SAM-2026-014"),
            "--approver-identity", centre.keyPath("lina"), "--approver-passphrase-file", centre.passFile, "--out", out,
        ] + fields.flatMap { ["--field", $0] })
    }

    private func open(_ bundle: String, _ extra: [String] = []) throws -> CLI.Result {
        try cli.run(["handover", "open", bundle, "--identity", "politi/politi.key", "--passphrase-file", "pass", "--trust", centre.rootFingerprint] + extra)
    }

    func testADocumentReachesThePoliceOnlyInTheFileTheyNamed() throws {
        let canary = "KANARI-" + UUID().uuidString
        let content = Array("%PDF-1.4\n".utf8) + Array(canary.utf8) + [UInt8](repeating: 0x2E, count: 140_000)
        let source = cli.path("samtykke.pdf")
        try Data(content).write(to: URL(fileURLWithPath: source))
        try cli.ok(["case", "document", "add", caseID, source, "--title", "Skriftlig samtykke"] + centre.as("kari"))
        try FileManager.default.removeItem(atPath: source)

        let made = try create(["documents[0]"], out: "til-politiet.cvb")
        made.assertSuccess("handover create --field documents[0]")
        XCTAssertTrue(made.stdout.contains("Fields included: 5"), made.stdout)
        let disclosed = try XCTUnwrap(try centre.showJSON(caseID, as: "kari")["fields"] as? [String: Any])["disclosures[0].fields"]
        XCTAssertTrue("\(disclosed ?? "")".contains("documents[0].content"), "the case's disclosure names the document: \(disclosed ?? "")")

        let shown = try open("til-politiet.cvb")
        shown.assertSuccess("handover open")
        XCTAssertTrue(shown.stdout.contains("Dokumenter i pakken"), shown.stdout)
        XCTAssertTrue(shown.stdout.contains("1  Skriftlig samtykke  PDF  \(content.count) byte"), shown.stdout)
        let json = try open("til-politiet.cvb", ["--json"])
        for text in [shown.stdout, json.stdout] { XCTAssertFalse(text.contains("cvdoc1"), "the document's key is never printed") }
        let listed = try XCTUnwrap(try CLI.object(json.stdout)["documents"] as? [[String: Any]])
        XCTAssertEqual(listed.first?["number"] as? Int, 1)

        let saved = cli.path("politi/samtykke.pdf")
        try open("til-politiet.cvb", ["--save-document", "1", "--out", saved]).assertSuccess("--save-document")
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: saved))), content, "the police get it byte for byte")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: saved)[.posixPermissions] as? Int, 0o600)
        try open("til-politiet.cvb", ["--save-document", "1", "--out", saved]).assertError(73, "an existing file", mentioning: "--force")
        try open("til-politiet.cvb", ["--save-document", "1", "--out", saved, "--force"]).assertSuccess("--force")
        XCTAssertEqual(try open("til-politiet.cvb", ["--save-document", "1", "--out", "-"]).stdout.utf8.count, content.count)
        try open("til-politiet.cvb", ["--save-document", "2", "--out", cli.path("politi/andre.pdf")]).assertError(66, "no such document")
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.path("politi/andre.pdf")))
        try open("til-politiet.cvb", ["--out", cli.path("politi/andre.pdf")]).assertError(64, "--out alone")

        // Every file under the working folder (the vault, the bundle, the keys, the police's
        // folder and state file, the temporary folder): the canary only in the file asked for.
        let needle = Data(canary.utf8)
        var holding: [String] = []
        let files = CaseDocumentCLITests.files(under: cli.path("."))
        for file in files {
            guard let data = try? Data(contentsOf: URL(fileURLWithPath: file)) else { continue }
            if data.range(of: needle) != nil { holding.append(URL(fileURLWithPath: file).standardized.path) }
        }
        XCTAssertEqual(holding, [URL(fileURLWithPath: saved).standardized.path])
        XCTAssertTrue(files.contains { $0.hasSuffix("til-politiet.cvb") } && files.contains { $0.hasSuffix(".received") }, "the scan sees the bundle and the state file")
        XCTAssertTrue(files.contains { $0.contains("/vault/") }, "the scan sees the vault")
    }

    func testWithoutTheFieldTheBundleCarriesNoDocument() throws {
        let pdf = cli.path("vedtak.pdf")
        try Data(Array("%PDF-1.7\nvedtak".utf8)).write(to: URL(fileURLWithPath: pdf))
        try cli.ok(["case", "document", "add", caseID, pdf, "--title", "Politiets vedtak"] + centre.as("kari"))
        try create([], out: "alt.cvb").assertSuccess("the policy maximum")
        let shown = try open("alt.cvb")
        shown.assertSuccess("open")
        XCTAssertFalse(shown.stdout.contains("Dokumenter i pakken") || shown.stdout.contains("Politiets vedtak"), shown.stdout)
        try open("alt.cvb", ["--save-document", "1", "--out", cli.path("politi/x.pdf")]).assertError(66, "no document in the bundle")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: cli.path("alt.cvb")))[8], 2, "a bundle without a document stays version 2")
        try create(["documents"], out: "alle.cvb").assertError(65, "every document at once", mentioning: "name each one")
    }
}
