import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import Foundation
import SodiumKit
import XCTest

/// A case document handed over in a bundle: only when the sender names it, whole, as its stored
/// stream beside its sealed reference (bundle version 3), opened and checked by the recipient.
final class HandoverDocumentTests: XCTestCase {
    private let police = HandoverWorld.police
    private let nav = HandoverWorld.nav
    private let entryFields = ["title", "kind", "size", "added", "content"]

    private func pdf(_ canary: String, size: Int) -> [UInt8] { TestDocument.pdf(canary, size: size) }
    private func secure(_ b: [UInt8]) throws -> SecureBytes { try TestDocument.secure(b) }
    private func bytes(_ s: SecureBytes) -> [UInt8] { TestDocument.bytes(s) }

    private func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool { Data(hay).range(of: Data(needle)) != nil }

    private func send(_ w: HandoverWorld, to recipient: String, fields: [String]?) throws -> (bytes: [UInt8], manifest: HandoverManifest, withheld: Int) {
        var r = w.request(to: recipient)
        r.fields = fields
        return try w.session("kari").createHandover(r, approver: HandoverWorld.role(of: recipient) == .police ? w.identity("lina") : nil)
    }

    func testAChosenDocumentRoundTripsToThePoliceAndIsNamedInTheLogAndTheCase() throws {
        let w = try HandoverWorld()
        let canary = "KANARI-" + UUID().uuidString
        let content = pdf(canary, size: 150_000)  // three chunks
        try w.session("kari").addDocument(w.caseID, content: try secure(content), title: "Skriftlig samtykke")

        let sent = try send(w, to: police, fields: ["documents[0]"])
        XCTAssertEqual(Set(sent.manifest.fields), Set(entryFields.map { "documents[0].\($0)" }))
        XCTAssertEqual(sent.bytes[8], 3, "a bundle that hands over a document is version 3")
        XCTAssertFalse(contains(sent.bytes, Array(canary.utf8)), "the bundle holds no plaintext byte of the document")

        let opened = try w.open(sent.bytes, as: police)
        XCTAssertEqual(opened.documents, [CaseDocument(index: 0, title: "Skriftlig samtykke", kind: .pdf, size: content.count,
                                                       added: w.t.clock.now().osloDateField)])
        let saved = try opened.document(0)
        XCTAssertEqual(bytes(saved.content), content, "the recipient gets the document byte for byte")
        expectHandoverError(.notFound, "a document the bundle does not carry") { try opened.document(1) }

        // The disclosure names the document's fields, in the log and in the case.
        let entry = try XCTUnwrap(try w.rawLogEntries().map { try LogEntry.parse($0) }.last { $0.action == "handover.create" })
        XCTAssertEqual(entry.fields, sent.manifest.fields)
        XCTAssertTrue(entry.fields.contains("documents[0].content"))
        XCTAssertEqual(try w.session("kari").showCase(w.caseID).fields["disclosures[0].fields"], .list(sent.manifest.fields))
        XCTAssertEqual(bytes(try w.session("kari").readDocument(w.caseID, index: 0).content), content, "the centre keeps its copy")
    }

    func testWithoutNamingItNoDocumentLeavesAndTheBundleStaysVersion2() throws {
        let w = try HandoverWorld()
        try w.session("kari").addDocument(w.caseID, content: try secure(pdf("x", size: 500)), title: "Leiekontrakt")
        for fields in [nil, ["person.legal_name"]] as [[String]?] {
            let sent = try send(w, to: nav, fields: fields)
            XCTAssertFalse(sent.manifest.fields.contains { $0.hasPrefix("documents[") }, "\(fields ?? []): \(sent.manifest.fields)")
            XCTAssertEqual(sent.bytes[8], 2, "without a document the bundle is version 2")
            let inner = try BundleSurgery.decryptInner(sent.bytes, with: w.identity(nav))
            XCTAssertEqual(Array(inner.prefix(5)), Array("CVBI\u{2}".utf8))
            XCTAssertTrue(try w.open(sent.bytes, as: nav).documents.isEmpty)
        }
    }

    func testAnAlteredDroppedSwappedRepeatedOrStrayStreamIsRefused() throws {
        let w = try HandoverWorld()
        let kari = try w.session("kari")
        try kari.addDocument(w.caseID, content: try secure(pdf("first", size: 70_000)), title: "A")
        try kari.addDocument(w.caseID, content: try secure(pdf("second", size: 900)), title: "B")
        let sent = try send(w, to: nav, fields: ["documents[0]", "documents[1]"])
        let me = w.identity(nav)
        let parts = try BundleSurgery.Inner.parse(try BundleSurgery.decryptInner(sent.bytes, with: me))
        let streams = try XCTUnwrap(parts.attachments)
        XCTAssertEqual(streams.count, 2)
        func rewrapped(_ change: (inout BundleSurgery.Inner) -> Void, version: UInt8 = 3) throws -> [UInt8] {
            var p = parts
            change(&p)
            return try BundleSurgery.sealOuter(p.encoded, to: me.publicIdentity, version: version)
        }
        XCTAssertEqual(try w.open(try rewrapped { _ in }, as: nav).documents.count, 2, "control: re-wrapped unchanged, it opens")

        let cases: [(String, String, (inout BundleSurgery.Inner) -> Void)] = [
            ("one byte altered", "does not match its signed reference", { $0.attachments![0].stream[40_000] ^= 1 }),
            ("one stream dropped", "document 2 in the bundle comes without its content", { _ = $0.attachments!.removeLast() }),
            ("streams swapped", "does not match its signed reference", {
                let a = $0.attachments![0].stream
                $0.attachments![0].stream = $0.attachments![1].stream
                $0.attachments![1].stream = a
            }),
            ("out of order", "not in the order of its documents", { $0.attachments!.reverse() }),
            ("repeated", "the same document stream twice", { $0.attachments!.append($0.attachments![0]) }),
            ("stray", "none of its documents names", { $0.attachments![1].blobID = Random.bytes(16) }),
        ]
        for (what, expected, change) in cases {
            let e = expectHandoverError(.authenticationFailed, what) { try w.open(try rewrapped(change), as: nav) }
            XCTAssertTrue(e?.message.contains(expected) ?? false, "\(what): \(e?.message ?? "")")
            XCTAssertFalse(e?.message.contains("\n") ?? true, what)
        }
        // As a version-2 bundle the references come without their streams.
        let stripped = try rewrapped({ $0.attachments = nil; $0.magic = HandoverBundle.innerMagic }, version: 2)
        let e = expectHandoverError(.authenticationFailed, "references in a version-2 bundle") { try w.open(stripped, as: nav) }
        XCTAssertTrue(e?.message.contains("document 1 in the bundle comes without its content") ?? false, e?.message ?? "")
        expectHandoverError(.unsupportedFormat, "a version-3 bundle with no document") { try w.open(try rewrapped { $0.attachments = [] }, as: nav) }
        expectHandoverError(.unsupportedFormat, "a version-3 inner part in a version-2 bundle") { try w.open(try rewrapped({ _ in }, version: 2), as: nav) }
    }

    func testADocumentThePolicyKeepsFromTheRoleOrNotNamedOneByOneIsRefusedAndNothingIsWritten() throws {
        let w = try HandoverWorld()
        try w.session("kari").addDocument(w.caseID, content: try secure(pdf("x", size: 500)), title: "Leiekontrakt")
        // A centre whose policy gives NAV a document's title but not its content.
        let text = String(decoding: TestVault.policy(serial: 2), as: UTF8.self)
        let rule = "documents[].content: {read: [contact-person, housing-office, nav, police, resident]"
        XCTAssertTrue(text.contains(rule))
        _ = try w.session("lina").installPolicy(bytes: Array(text.replacingOccurrences(of: rule, with: "documents[].content: {read: [contact-person, housing-office, police, resident]").utf8))
        let version = try w.session("kari").showCase(w.caseID).latest.version
        let before = try w.count("SELECT COUNT(*) FROM log_entries")
        let cases: [(String, String, [String], String)] = [
            ("nav may not get the content", nav, ["documents[0]"], "does not give the document's content to nav"),
            ("every document at once", police, ["documents"], "name each one"),
        ]
        for (what, recipient, fields, expected) in cases {
            let e = expectHandoverError(.invalidInput, what) { try send(w, to: recipient, fields: fields) }
            XCTAssertTrue(e?.message.contains(expected) ?? false, "\(what): \(e?.message ?? "")")
            XCTAssertFalse(e?.message.contains("\n") ?? true, what)
        }
        let part = expectHandoverError(.invalidInput, "the content without its entry") { try send(w, to: police, fields: ["documents[0].content"]) }
        XCTAssertTrue(part?.message.contains("leaves only whole") ?? false, part?.message ?? "")
        XCTAssertEqual(try w.count("SELECT COUNT(*) FROM log_entries"), before, "a refused choice logs nothing")
        XCTAssertEqual(try w.count("SELECT COUNT(*) FROM handover_disclosures"), 0)
        XCTAssertEqual(try w.session("kari").showCase(w.caseID).latest.version, version)
        // The police still may: the refusal is the role's, not the document's.
        XCTAssertEqual(try send(w, to: police, fields: ["documents[0]"]).bytes[8], 3)
    }

    func testAnApprovedRequestCarriesTheDocumentItNames() throws {
        let w = try HandoverWorld()
        let content = pdf("request", size: 2000)
        try w.session("kari").addDocument(w.caseID, content: try secure(content), title: "Søknad")
        var ask = w.request(to: HandoverWorld.housing)
        ask.fields = ["documents[0]", "person.legal_name"]
        let request = try w.session("kari").requestHandover(ask)
        XCTAssertTrue(request.fields.contains("documents[0].content"), "\(request.fields)")
        _ = try w.session("lina").reviewHandoverRequest(request.requestID)
        _ = try w.session("lina").decideHandoverRequest(request.requestID, verdict: .approve)
        let sent = try w.session("kari").sendRequestedHandover(request.requestID)
        XCTAssertEqual(sent.manifest.fields, request.fields)
        let opened = try w.open(sent.bytes, as: HandoverWorld.housing)
        XCTAssertNotNil(opened.approver, "the approval travels with the document")
        XCTAssertEqual(bytes(try opened.document(0).content), content)
    }
}
