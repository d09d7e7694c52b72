@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import XCTest

/// A new case names its alias, opening date and type; dates of what has happened may not lie
/// after today in Oslo, in a new case or in a patch; empty texts and template placeholders are
/// not data. Refused input changes nothing.
final class RecordWriteRuleTests: XCTestCase {
    func testANewCaseNeedsAliasOpenedAndType() throws {
        let t = try TestVault()
        let kari = try t.session("kari")
        let missing = TestVault.assertFails([.invalidInput], "no opened, no type") { try kari.createCase(recordText: "person: {alias: A}") }
        XCTAssertEqual(missing?.message, "2 problems: case.opened: required in a new case; case.type: required in a new case")
        XCTAssertEqual(missing?.problems, ["case.opened: required in a new case", "case.type: required in a new case"], "each kept apart")
        TestVault.assertFails([.invalidInput], "no alias") { try kari.createCase(recordText: "case: {type: resident, opened: 2026-11-20}") }
        TestVault.assertFails([.invalidInput], "an empty alias") {
            try kari.createCase(recordText: "case: {type: resident, opened: 2026-11-20}\nperson: {alias: \"  \"}")
        }
        XCTAssertEqual(try kari.reachableCaseIDs(), [])
    }

    func testDatesOfWhatHasHappenedMayNotLieAfterTodayInOslo() throws {
        // 00:30 on 7 December in Oslo: the 7th is today, the 8th is the future.
        let t = try TestVault(startingAt: Timestamp(rfc3339: "2026-12-06T23:30:00Z")!)
        let kari = try t.session("kari")
        let id = try kari.createCase(recordText: "case: {type: resident, opened: 2026-12-07}\nperson: {alias: A}")
        let future = TestVault.assertFails([.invalidInput], "opened tomorrow") {
            try kari.createCase(recordText: "case: {type: resident, opened: 2026-12-08}\nperson: {alias: B}")
        }
        XCTAssertEqual(future?.message, "case.opened: lies in the future (after 07.12.2026); it records what has happened")
        let version = try kari.showCase(id).latest.version
        let obtained = TestVault.assertFails([.invalidInput], "a home obtained next year") {
            try kari.updateCase(id, patchText: "set:\n  result.safe_home: true\n  result.obtained_on: 2027-01-05")
        }
        XCTAssertTrue(obtained?.message.contains("result.obtained_on: lies in the future") ?? false, obtained?.message ?? "")
        TestVault.assertFails([.invalidInput], "a task done tomorrow") {
            try kari.updateCase(id, patchText: "add:\n  tasks: {what: Ring, due: 2026-12-20, done: 2026-12-08}")
        }
        XCTAssertEqual(try kari.showCase(id).latest.version, version, "nothing was written")
        // A deadline is the future, and that is fine.
        XCTAssertNoThrow(try kari.updateCase(id, patchText: "add:\n  tasks: {what: Ring, due: 2027-01-20}"))
    }

    func testTemplatePlaceholdersAreNotData() {
        let parser = RecordParser(allowSyntheticIDs: true)
        for record in ["case: {opened: <ÅÅÅÅ-MM-DD>}", "result: {safe_home: <true|false>}", "case: {type: <resident|…>}",
                       "case: {phase: <1-5>}", "person: {national_id: <11 sifre>}"] {
            XCTAssertThrowsError(try parser.parseRecord(record), record) { error in
                XCTAssertTrue((error as? VaultError)?.message.contains("still the template's placeholder") ?? false, "\(error)")
            }
        }
        XCTAssertThrowsError(try parser.parseRecord("person: {legal_name: \"\"}"))
        XCTAssertThrowsError(try parser.parseRecord("safety: {do_not_admit: [\"\"]}"))
        XCTAssertEqual(try parser.parseRecord("notes: [{text: \"<ikke oppgitt>\"}]").fields["notes[0].text"], .text("<ikke oppgitt>"),
                       "free text may hold angle brackets")
    }

    func testOnlyAnImportWritesAnswers() throws {
        let t = try TestVault()
        let kari = try t.session("kari")
        let forged = "answers: [{kind: assessment, from: politi-ost, from_role: police, assessment_level: high}]"
        let e = TestVault.assertFails([.invalidInput], "a hand-written answer in a new case") {
            try kari.createCase(recordText: "case: {type: resident, opened: 2026-11-20}\nperson: {alias: A}\n" + forged)
        }
        XCTAssertTrue(e?.message.contains("only an imported answer") ?? false, e?.message ?? "")
        let id = try kari.createCase(recordText: "case: {type: resident, opened: 2026-11-20}\nperson: {alias: A}")
        TestVault.assertFails([.invalidInput], "a hand-written answer in a patch") {
            try kari.updateCase(id, patchText: "add:\n  answers: {kind: assessment, assessment_level: high}")
        }
        XCTAssertEqual(try kari.showCase(id).latest.version, 1)
    }
}
