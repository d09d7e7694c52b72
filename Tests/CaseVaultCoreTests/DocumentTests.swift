import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import Foundation
import SodiumKit
import XCTest

/// Case documents: a PDF, JPEG or PNG sealed like every field, its content encrypted in
/// secretstream chunks; readable only by the roles that open `documents[].content`.
final class DocumentTests: XCTestCase {
    private func pdf(_ canary: String, size: Int = 3000) -> [UInt8] { TestDocument.pdf(canary, size: size) }
    private func secure(_ b: [UInt8]) throws -> SecureBytes { try TestDocument.secure(b) }
    private func bytes(_ s: SecureBytes) -> [UInt8] { TestDocument.bytes(s) }

    private func blobCount(_ tv: TestVault) throws -> Int { try RawDatabase(tv).count("case_documents") }

    func testADocumentRoundTripsForItsReadersAndIsListed() throws {
        let tv = try TestVault()
        let caseID = try tv.sampleCase()
        let content = pdf("CANARY-" + UUID().uuidString, size: 200_000)
        let added = try tv.session("kari").addDocument(caseID, content: try secure(content), title: "Skriftlig samtykke")
        XCTAssertEqual(added.index, 0)

        let read = try tv.session("kari").readDocument(caseID, index: 0)
        XCTAssertEqual(bytes(read.content), content)
        XCTAssertEqual(read.document, CaseDocument(index: 0, title: "Skriftlig samtykke", kind: .pdf, size: content.count,
                                                   added: tv.clock.now().osloDateField))
        XCTAssertEqual(bytes(try tv.session("rita").readDocument(caseID, index: 0).content), content, "the resident reads her documents")
        XCTAssertEqual(try tv.session("kari").documents(caseID).map(\.title), ["Skriftlig samtykke"])

        let second = try tv.session("kari").addDocument(caseID, content: try secure([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]), title: "Bilde")
        XCTAssertEqual(second.index, 1)
        XCTAssertEqual(try tv.session("kari").documents(caseID).map(\.kind), [.pdf, .png])
        XCTAssertEqual(try blobCount(tv), 2)
    }

    func testTheNightShiftAndChildContactCannotOpenADocumentTheirKeysDoNotReach() throws {
        let tv = try TestVault()
        let caseID = try tv.sampleCase()
        try tv.session("kari").addDocument(caseID, content: try secure(pdf("x")), title: "Politiets vedtak")
        for id in ["nils", "cecilie"] {
            XCTAssertTrue(try tv.session(id).documents(caseID).isEmpty, id)
            TestVault.assertFails([.notFound], "\(id) reads the document") { try tv.session(id).readDocument(caseID, index: 0) }
        }
        // Cryptographically: the key of the class holding documents[0].content is sealed to no night-shift or child-contact reader.
        let head = try RawDatabase(tv).latest(caseID)
        let field = try XCTUnwrap(head.fields.first { $0.path == "documents[0].content" })
        let envelopes = try XCTUnwrap(head.classes.first { $0.index == field.key.index }).envelopes.map(\.member)
        XCTAssertTrue(envelopes.contains("kari"))
        for label in envelopes {
            XCTAssertFalse(["nils", "cecilie", "lina"].contains(label) || label.contains("night-shift") || label.contains("child-contact"), label)
        }
        let nils = try tv.session("nils").showCase(caseID)
        XCTAssertNil(nils.fields["documents[0].content"])
        XCTAssertTrue(nils.sealedPaths.contains("documents[0].content"))
    }

    func testAnAlteredOrSwappedBlobIsRefused() throws {
        let tv = try TestVault()
        let caseID = try tv.sampleCase()
        let kari = try tv.session("kari")
        try kari.addDocument(caseID, content: try secure(pdf("first")), title: "A")
        try kari.addDocument(caseID, content: try secure(pdf("second")), title: "B")
        let raw = try RawDatabase(tv)
        let ids = try raw.queue.read { db in try Data.fetchAll(db, sql: "SELECT blob_id FROM case_documents ORDER BY rowid") }
        XCTAssertEqual(ids.count, 2)
        // Swap the two contents: each still decrypts under its own key, but no longer matches its signed digest.
        try raw.queue.write { db in
            let a = try Data.fetchOne(db, sql: "SELECT content FROM case_documents WHERE blob_id = ?", arguments: [ids[0]])!
            let b = try Data.fetchOne(db, sql: "SELECT content FROM case_documents WHERE blob_id = ?", arguments: [ids[1]])!
            try db.execute(sql: "UPDATE case_documents SET content = ? WHERE blob_id = ?", arguments: [b, ids[0]])
            try db.execute(sql: "UPDATE case_documents SET content = ? WHERE blob_id = ?", arguments: [a, ids[1]])
        }
        TestVault.assertFails([.authenticationFailed], "swapped") { try kari.readDocument(caseID, index: 0) }
        // One flipped byte in the last chunk.
        try raw.queue.write { db in
            var c = [UInt8](try Data.fetchOne(db, sql: "SELECT content FROM case_documents WHERE blob_id = ?", arguments: [ids[1]])!)
            c[c.count - 5] ^= 1
            try db.execute(sql: "UPDATE case_documents SET content = ? WHERE blob_id = ?", arguments: [Data(c), ids[0]])
        }
        TestVault.assertFails([.authenticationFailed], "flipped") { try kari.readDocument(caseID, index: 0) }
        try raw.execute("DELETE FROM case_documents")
        TestVault.assertFails([.notFound], "deleted") { try kari.readDocument(caseID, index: 1) }
    }

    func testTheCipherRefusesAnyChangeEvenWithTheKey() throws {
        let key = try SymmetricKey.generate()
        let context = DocumentCipher.Context(vault: VaultID.random(), caseID: CaseID.random(), blobID: Random.bytes(16))
        let content = pdf("chunks", size: 3 * DocumentCipher.chunkBytes + 10)
        let blob = try DocumentCipher.seal(try secure(content), key: key, context: context)
        XCTAssertEqual(blob.count, DocumentCipher.prefixBytes + 4 * DocumentCipher.storedChunkBytes)
        XCTAssertEqual(bytes(try DocumentCipher.open(blob, key: key, context: context, size: content.count)), content)
        let chunk = DocumentCipher.storedChunkBytes, start = DocumentCipher.prefixBytes
        let chunks = (0..<4).map { Array(blob[(start + $0 * chunk)..<(start + ($0 + 1) * chunk)]) }
        let head = Array(blob.prefix(start))
        let variants: [(String, [UInt8])] = [
            ("truncated: no FINAL chunk", head + chunks[0] + chunks[1] + chunks[2]),
            ("reordered", head + chunks[1] + chunks[0] + chunks[2] + chunks[3]),
            ("dropped", head + chunks[0] + chunks[2] + chunks[3]),
            ("repeated", head + chunks[0] + chunks[0] + chunks[1] + chunks[2] + chunks[3]),
            ("cut mid-chunk", Array(blob.dropLast(100))),
        ]
        for (what, bad) in variants {
            XCTAssertThrowsError(try DocumentCipher.open(bad, key: key, context: context, size: content.count), what)
        }
        let otherCase = DocumentCipher.Context(vault: context.vault, caseID: CaseID.random(), blobID: context.blobID)
        XCTAssertThrowsError(try DocumentCipher.open(blob, key: key, context: otherCase, size: content.count), "moved to another case")
        XCTAssertThrowsError(try DocumentCipher.open(blob, key: key, context: context, size: content.count - 1), "another size")
    }

    func testTheStoredSizeShowsOnlyTheNumberOfChunks() throws {
        let key = try SymmetricKey.generate()
        let context = DocumentCipher.Context(vault: VaultID.random(), caseID: CaseID.random(), blobID: Random.bytes(16))
        let small = try DocumentCipher.seal(try secure(pdf("a", size: 10)), key: key, context: context)
        let large = try DocumentCipher.seal(try secure(pdf("a", size: DocumentCipher.chunkBytes - 1)), key: key, context: context)
        XCTAssertEqual(small.count, large.count)
    }

    func testWrongTypeTooLargeAndEmptyAreRefusedWithNothingChanged() throws {
        let tv = try TestVault()
        let caseID = try tv.sampleCase()
        let kari = try tv.session("kari")
        let before = try kari.showCase(caseID).latest.version
        let cases: [(String, [UInt8])] = [
            ("a text file", Array("Dette er ikke en PDF\n".utf8)),
            ("a GIF", Array("GIF89a".utf8) + [0, 0, 0]),
            ("too large", pdf("big", size: FieldCatalog.maxDocumentBytes + 1)),
        ]
        for (what, content) in cases {
            let e = TestVault.assertFails([.invalidInput], what) { try kari.addDocument(caseID, content: try secure(content), title: "X") }
            XCTAssertFalse(e?.message.contains("\n") ?? true)
        }
        TestVault.assertFails([.invalidInput], "an empty title") { try kari.addDocument(caseID, content: try secure(pdf("t")), title: " ") }
        TestVault.assertFails([.notFound, .accessDenied], "the auditor adds nothing") {
            try tv.session("anne").addDocument(caseID, content: try secure(pdf("t")), title: "X")
        }
        TestVault.assertFails([.accessDenied], "the night shift may not write documents") {
            try tv.session("nils").addDocument(caseID, content: try secure(pdf("t")), title: "X")
        }
        XCTAssertEqual(try kari.showCase(caseID).latest.version, before)
        XCTAssertEqual(try blobCount(tv), 0)
    }

    func testAPatchCannotWriteADocumentEntry() throws {
        let tv = try TestVault()
        let caseID = try tv.sampleCase()
        let e = TestVault.assertFails([.invalidInput], "a document by patch") {
            try tv.session("kari").updateCase(caseID, patchText: #"{"add": {"documents": {"title": "falsk", "kind": "pdf", "size": 3, "added": "2026-01-01", "content": "x"}}}"#)
        }
        XCTAssertTrue(e?.message.contains("case document add") ?? false, e?.message ?? "")
    }

    func testAHandoverCarriesADocumentOnlyWhenItsEntryIsNamedAndThenWhole() throws {
        let choice = HandoverFieldChoice(policy: .makeDefault(), role: .nav, includeAddress: false)
        var readable: [String: FieldValue] = ["person.legal_name": .text("Kari"), "documents[0].title": .text("Leiekontrakt"),
                                              "documents[0].content": .text("cvdoc1:…")]
        XCTAssertEqual(Set(choice.maximum(of: readable).keys), ["person.legal_name"], "the maximum never holds a document")
        XCTAssertThrowsError(try choice.select(from: readable, chosen: ["documents[0]"]), "without its kind, size and date")
        for (field, value) in [("kind", FieldValue.text("pdf")), ("size", .integer(3)), ("added", .text("2026-12-01"))] {
            readable["documents[0].\(field)"] = value
        }
        XCTAssertEqual(try choice.select(from: readable, chosen: ["documents[0]"]).count, 5)
        XCTAssertThrowsError(try choice.select(from: readable, chosen: ["documents"]), "every document at once")
        XCTAssertEqual(Set(try choice.select(from: readable, chosen: ["documents[].title"]).keys), ["documents[0].title"], "a title alone carries no key")
    }

    func testNoPlaintextByteOfADocumentReachesTheDisk() throws {
        // A temporary folder of this test's own, so that every temporary file the code under
        // test (SQLite included) could write is scanned.
        let oldTemp = ProcessInfo.processInfo.environment["TMPDIR"]
        let temp = NSTemporaryDirectory() + "casevault-doc-temp-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: temp, withIntermediateDirectories: false)
        setenv("TMPDIR", temp, 1)
        defer {
            if let oldTemp { setenv("TMPDIR", oldTemp, 1) } else { unsetenv("TMPDIR") }
            try? FileManager.default.removeItem(atPath: temp)
        }
        let tv = try TestVault()
        XCTAssertTrue(tv.directory.hasPrefix(temp), "the vault lies in the test's temporary folder")
        let caseID = try tv.sampleCase()
        let canary = "KANARI-" + UUID().uuidString
        let content = pdf(canary, size: 150_000)
        let source = tv.directory + "-source.pdf"
        let out = tv.directory + "-saved.pdf"
        defer { for p in [source, out] { try? FileManager.default.removeItem(atPath: p) } }
        try Data(content).write(to: URL(fileURLWithPath: source))

        try tv.session("kari").addDocument(caseID, content: try DocumentFile.read(source), title: "Leiekontrakt")
        let read = try tv.session("kari").readDocument(caseID, index: 0)
        try DocumentFile.write(read.content, to: out, force: false)
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: out))), content)
        let mode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? Int)
        XCTAssertEqual(mode, 0o600)
        XCTAssertThrowsError(try DocumentFile.write(read.content, to: out, force: false), "an existing file is not replaced") {
            XCTAssertEqual(($0 as? VaultError)?.kind, .refused)
        }

        // Every file in the temporary folder, the vault among them, except the two the user named.
        let needle = Data(canary.utf8)
        var scanned = 0
        XCTAssertTrue(Self.files(under: temp).contains(source), "the scan sees the files it must")
        for file in Self.files(under: temp) where file != source && file != out {
            guard let data = try? Data(contentsOf: URL(fileURLWithPath: file), options: .mappedIfSafe) else { continue }
            scanned += 1
            XCTAssertNil(data.range(of: needle), "the canary is in \(file)")
        }
        XCTAssertGreaterThan(scanned, 2, "the vault's files were scanned")
    }

    /// Every regular file under `root`.
    static func files(under root: String) -> [String] {
        guard let e = FileManager.default.enumerator(at: URL(fileURLWithPath: root), includingPropertiesForKeys: [.isRegularFileKey],
                                                     options: [], errorHandler: { _, _ in true }) else { return [] }
        var out: [String] = []
        for case let url as URL in e where (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
            out.append(url.path)
        }
        return out
    }
}
