import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import Foundation
import SodiumKit
import XCTest

/// A bundle is a disclosure: a new case version with a `disclosures[]` entry the
/// resident can see, a `handover_disclosures` row, and a `handover.create` log entry that names
/// recipient, basis and bundle but keeps the purpose out of the log.
final class HandoverDisclosureTests: XCTestCase {
    private let police = HandoverWorld.police

    func testHandoverAddsADisclosureVersionReadableByContactLeaderAndResidentNotNightShift() throws {
        let w = try HandoverWorld()
        let before = try w.session("kari").showCase(w.caseID)
        XCTAssertFalse(before.fields.keys.contains { $0.hasPrefix("disclosures[") })
        let made = try w.create(to: police, includeAddress: true)
        let m = made.manifest

        let after = try w.session("kari").showCase(w.caseID)
        XCTAssertEqual(after.latest.version, before.latest.version + 1, "the disclosure is a new version")
        XCTAssertEqual(m.caseVersion, after.latest.version, "the manifest names the version that records the disclosure")
        XCTAssertEqual(after.latest.author, "kari")
        let expected: [String: FieldValue] = [
            "disclosures[0].bundle": .text(m.bundleID), "disclosures[0].recipient": .text(police),
            "disclosures[0].recipient_role": .text("police"), "disclosures[0].date": .text(m.created.osloDateField),
            "disclosures[0].basis": .text("consent"), "disclosures[0].consent_ref": .text("SAM-2026-014"),
            "disclosures[0].purpose": .text(HandoverWorld.purpose), "disclosures[0].fields": .list(m.fields),
            "disclosures[0].approved_by": .text("lina"),
        ]
        for member in ["kari", "lina", "rita"] {
            let view = try w.session(member).showCase(w.caseID).fields
            for (path, value) in expected { XCTAssertEqual(view[path], value, "\(member) reads \(path)") }
        }
        XCTAssertTrue(m.fields.contains("address.new"))
        let nightShift = try w.session("nils").showCase(w.caseID)
        XCTAssertEqual(nightShift.fields.keys.filter { $0.hasPrefix("disclosures[") }, [], "the night shift must not read disclosures")
        XCTAssertTrue(nightShift.sealedPaths.contains("disclosures[0].purpose"), "…but the entry exists, sealed from him")

        // A second handover is a second entry, not an overwrite.
        let nav = try w.create(to: HandoverWorld.nav)
        let rita = try w.session("rita").showCase(w.caseID).fields
        XCTAssertEqual(rita["disclosures[0].bundle"], .text(m.bundleID))
        XCTAssertEqual(rita["disclosures[1].bundle"], .text(nav.manifest.bundleID))
        XCTAssertEqual(rita["disclosures[1].recipient_role"], .text("nav"))
        XCTAssertNil(rita["disclosures[1].approved_by"])
        XCTAssertEqual(try w.count("SELECT COUNT(*) FROM handover_disclosures"), 2)
    }

    func testHandoverLogEntryNamesRecipientBasisAndBundleButNotThePurpose() throws {
        let w = try HandoverWorld()
        let purpose = "Politiet trenger dette for voldsalarm i Lindeveien, fortrolig formål QX-\(UInt32.random(in: 100_000...999_999))"
        let made = try w.create(to: police, purpose: purpose)
        let raw = try w.rawLogEntries()
        let entries = try raw.map { try LogEntry.parse($0) }
        let creates = entries.filter { $0.action == "handover.create" }
        XCTAssertEqual(creates.count, 1)
        let e = try XCTUnwrap(creates.first)
        XCTAssertEqual(e.actor, "kari")
        XCTAssertEqual(e.caseID, w.caseID)
        XCTAssertEqual(e.detailValue("recipient"), police)
        XCTAssertEqual(e.detailValue("basis"), "consent")
        XCTAssertEqual(e.detailValue("bundle"), made.manifest.bundleID)
        XCTAssertEqual(e.detailValue("approved-by"), "lina")
        XCTAssertEqual(e.fields, made.manifest.fields, "the log names which fields left the centre")
        XCTAssertNotNil(e.reasonCommitment, "the purpose is kept only as a salted commitment")
        XCTAssertNoThrow(try e.verifySignature())

        // Neither the purpose nor any distinctive part of it is in any raw log row…
        for needle in [purpose, "voldsalarm i Lindeveien", "fortrolig formål"] {
            let n = Array(needle.utf8)
            for (i, row) in raw.enumerated() {
                XCTAssertFalse(contains(row, n), "log row \(i) contains \"\(needle)\"")
            }
        }
        // …nor anywhere in the vault's files (database, WAL, keyring) in the clear.
        let dir = URL(fileURLWithPath: w.vault.directory)
        let files = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil)!.compactMap { $0 as? URL }
        XCTAssertTrue(files.contains { $0.lastPathComponent == "vault.sqlite" })
        for url in files where !url.hasDirectoryPath {
            let bytes = [UInt8]((try? Data(contentsOf: url)) ?? Data())
            XCTAssertFalse(contains(bytes, Array(purpose.utf8)), "\(url.lastPathComponent) holds the purpose in the clear")
            XCTAssertFalse(contains(bytes, Array("Ola Fiktiv Voldsen".utf8)), "\(url.lastPathComponent) holds case content in the clear")
        }
    }

    private func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, hay.count >= needle.count else { return false }
        let first = needle[0]
        var i = 0
        while i <= hay.count - needle.count {
            if hay[i] == first && Array(hay[i..<i + needle.count]) == needle { return true }
            i += 1
        }
        return false
    }
}
