import CaseVaultSamples
import Foundation
import XCTest

/// `casevault case document add | list | get` through the built binary: a PDF goes in, comes
/// back byte for byte to a 0600 file the user named, and no plaintext byte of it is left in the
/// vault folder or the working folder.
final class CaseDocumentCLITests: XCTestCase {
    private var v: CLIVault!
    private var caseID = ""

    override func setUpWithError() throws {
        setenv("CASEVAULT_TEST_INSECURE_KDF", "1", 1)
        v = try CLIVault()
        // The binary's temporary files go inside the working folder, which the canary test scans whole.
        try FileManager.default.createDirectory(atPath: v.cli.path("tmp"), withIntermediateDirectories: false)
        v.cli.environment["TMPDIR"] = v.cli.path("tmp")
        caseID = try v.newCase(SampleCase.yaml)
    }

    override func tearDown() { v?.cli.cleanUp() }

    private func writeFile(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = v.cli.path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func testADocumentRoundTripsThroughTheCLIAndLeavesNoPlaintextOnDisk() throws {
        let canary = "KANARI-" + UUID().uuidString
        let content = Array("%PDF-1.4\n".utf8) + Array(canary.utf8) + [UInt8](repeating: 0x2E, count: 70_000)
        let source = try writeFile("samtykke.pdf", content)
        let added = try v.run(as: "kari", ["case", "document", "add", caseID, source, "--title", "Skriftlig samtykke", "--json"])
        added.assertSuccess("document add")
        XCTAssertEqual((added.json as? [String: Any])?["document"] as? Int, 1)
        // The user's own file goes; from here on only the vault holds the document.
        try FileManager.default.removeItem(atPath: source)

        let listed = try v.run(as: "kari", ["case", "document", "list", caseID])
        listed.assertSuccess("document list")
        XCTAssertTrue(listed.stdout.contains("1  Skriftlig samtykke  PDF  \(content.count) byte"), listed.stdout)
        let shown = try v.run(as: "kari", ["case", "show", caseID, "--json"])
        XCTAssertFalse(shown.stdout.contains("cvdoc1"), "case show never prints a document's key")
        XCTAssertFalse(try v.run(as: "kari", ["case", "show", caseID]).stdout.contains("cvdoc1"))

        let out = v.cli.path("lagret.pdf")
        let got = try v.run(as: "kari", ["case", "document", "get", caseID, "1", "--out", out])
        got.assertSuccess("document get")
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: out))), content)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? Int, 0o600)
        let again = try v.run(as: "kari", ["case", "document", "get", caseID, "1", "--out", out])
        again.assertError(73, "an existing file", mentioning: "--force")
        try v.run(as: "kari", ["case", "document", "get", caseID, "1", "--out", out, "--force"]).assertSuccess("--force")
        let piped = try v.run(as: "kari", ["case", "document", "get", caseID, "1", "--out", "-"])
        XCTAssertEqual(piped.stdout.utf8.count, content.count)
        try FileManager.default.removeItem(atPath: out)

        // No file left in the working folder (the vault, key files, the temporary folder) holds the canary.
        let needle = Data(canary.utf8)
        var scanned = 0
        for file in Self.files(under: v.cli.path(".")) {
            guard let data = try? Data(contentsOf: URL(fileURLWithPath: file)) else { continue }
            scanned += 1
            XCTAssertNil(data.range(of: needle), "the canary is in \(file)")
        }
        XCTAssertGreaterThan(scanned, 3)
    }

    func testTheNightShiftCannotGetADocumentAndBadInputChangesNothing() throws {
        let pdf = try writeFile("vedtak.pdf", Array("%PDF-1.7\nvedtak".utf8))
        try v.run(as: "kari", ["case", "document", "add", caseID, pdf, "--title", "Politiets vedtak"]).assertSuccess("add")
        let versions = try v.count("case_versions")

        let night = try v.run(as: "nils", ["case", "document", "get", caseID, "1", "--out", v.cli.path("nils.pdf")])
        night.assertError(66, "night shift", mentioning: "no document 1")
        XCTAssertFalse(FileManager.default.fileExists(atPath: v.cli.path("nils.pdf")))
        XCTAssertTrue(try v.run(as: "nils", ["case", "document", "list", caseID]).stdout.contains("ingen dokumenter"))

        let text = try writeFile("notat.txt", Array("bare tekst\n".utf8))
        try v.run(as: "kari", ["case", "document", "add", caseID, text, "--title", "X"]).assertError(65, "a text file", mentioning: "not a PDF, JPEG or PNG")
        try v.run(as: "kari", ["case", "document", "add", caseID, v.cli.path("mangler.pdf"), "--title", "X"]).assertError(66, "a missing file")
        try v.run(as: "nils", ["case", "document", "add", caseID, pdf, "--title", "X"]).assertError(77, "the night shift writes no documents")
        XCTAssertEqual(try v.count("case_versions"), versions)
        XCTAssertEqual(try v.count("case_documents"), 1)
    }

    /// A shared vault's server does not carry document content yet: a replica refuses to add one
    /// before anything is read or sent, rather than hold a document no other workstation can open.
    func testAReplicaOfASharedVaultRefusesToAddADocument() throws {
        let link = #"{"format":1,"server":"http://127.0.0.1:9","vault":"00000000000000000000000000000000","member":"kari","keyFile":"k","pulled":0,"logSize":0,"synced":{}}"#
        try Data(link.utf8).write(to: URL(fileURLWithPath: v.vault + "/server.json"))
        let pdf = try writeFile("vedtak.pdf", Array("%PDF-1.7\nvedtak".utf8))
        try v.run(as: "kari", ["case", "document", "add", caseID, pdf, "--title", "X"]).assertError(73, "a replica", mentioning: "shared vault")
        XCTAssertEqual(try v.count("case_documents"), 0)
    }

    static func files(under root: String) -> [String] {
        guard let e = FileManager.default.enumerator(atPath: root) else { return [] }
        return e.compactMap { ($0 as? String).map { root + "/" + $0 } }.filter {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
    }
}
