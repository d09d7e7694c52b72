import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import XCTest

/// A note is plain text whatever it holds, dated with the Oslo date, its author and time read
/// from the signed version that wrote it; people may type the Norwegian values the tool prints.
final class CaseNoteTests: XCTestCase {
    func testANoteWithAColonQuotesAndLinesIsStoredAsWrittenWithItsOsloDateAndAuthor() throws {
        // 00:10 in Oslo on 7 December is 23:10 UTC on the 6th.
        let tv = try TestVault(startingAt: Timestamp(rfc3339: "2026-12-06T23:10:00Z")!)
        let caseID = try tv.sampleCase()
        let text = "Ringte kl. 02:10: urolig\n\"Han står utenfor\" - key: value\n- ikke en liste"
        let before = try tv.session("kari").showCase(caseID)
        let version = try tv.session("nils").addNote(caseID, text: text)

        let after = try tv.session("kari").showCase(caseID)
        XCTAssertEqual(after.latest.version, version)
        let entry = try XCTUnwrap(after.noteOrigins.first { $0.value.author == "nils" }?.key, "the night shift's note has its author")
        XCTAssertEqual(after.fields[entry + ".text"], .text(text))
        XCTAssertEqual(after.fields[entry + ".date"], .text("2026-12-07"), "the Oslo date, not the UTC one")
        XCTAssertEqual(after.noteOrigins[entry], NoteOrigin(author: "nils", written: Timestamp(rfc3339: "2026-12-06T23:10:00Z")!))
        XCTAssertEqual(after.noteOrigins.filter { $0.value.author == "kari" }.count, before.noteOrigins.count, "older notes keep their author")
        XCTAssertNil(try tv.session("nils").showCase(caseID).fields[entry + ".text"], "the night shift cannot read the note back")
    }

    func testARefusedNoteChangesNothing() throws {
        let tv = try TestVault()
        let caseID = try tv.sampleCase()
        let before = try tv.session("kari").showCase(caseID).latest.version
        TestVault.assertFails([.invalidInput], "empty note") { try tv.session("kari").addNote(caseID, text: "") }
        TestVault.assertFails([.notFound, .accessDenied], "the auditor adds nothing") { try tv.session("anne").addNote(caseID, text: "x") }
        XCTAssertEqual(try tv.session("kari").showCase(caseID).latest.version, before)
    }

    func testTheNorwegianWordsTheToolPrintsAreAcceptedAsValues() throws {
        let tv = try TestVault()
        let kari = try tv.session("kari")
        let id = try kari.createCase(recordText: "person: {alias: Blåklokke, gender: kvinne}\ncase: {type: Beboer, status: åpen, opened: 2026-11-20}")
        let fields = try kari.showCase(id).fields
        XCTAssertEqual(fields["person.gender"], .text("female"), "stored as the canonical value")
        XCTAssertEqual(fields["case.type"], .text("resident"))
        XCTAssertEqual(fields["case.status"], .text("open"))
        let refused = TestVault.assertFails([.invalidInput], "an unknown word") { try kari.createCase(recordText: "person: {gender: dame}") }
        XCTAssertTrue(refused?.message.contains("female (kvinne)") ?? false, refused?.message ?? "")
    }

    func testEveryNorwegianWordNamesOneValueOfItsField() {
        for pattern in ValueLabels.labelledPatterns {
            guard let spec = FieldCatalog.spec(forPattern: pattern), case let .choice(options) = spec.kind else { continue }
            for value in options {
                let word = ValueLabels.label(of: value, pattern: pattern)
                XCTAssertEqual(ValueLabels.canonical(of: word, pattern: pattern), value, "\(pattern): \(word)")
            }
        }
    }
}
