import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import XCTest

/// Records that contradict themselves, patches that reach past the end of a group or repeat an
/// entry: refused, with every problem named by its path in one error.
final class RecordConsistencyTests: XCTestCase {
    private var t: TestVault!
    private var id: CaseID!

    override func setUpWithError() throws {
        t = try TestVault()
        id = try t.sampleCase()
    }

    private func refused(_ patch: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let before = try t.raw().contentDigest()
        let e = TestVault.assertFails([.invalidInput], patch, file: file, line: line) { try t.session("kari").updateCase(id, patchText: patch) }
        XCTAssertEqual(try t.raw().contentDigest(), before, "a refused patch changes nothing", file: file, line: line)
        let message = e?.message ?? ""
        XCTAssertFalse(message.contains("\n"), "one line", file: file, line: line)
        return message
    }

    func testAPatchWithThreeErrorsReportsAllThree() throws {
        let message = try refused("""
            set:
              children[5].wishes: Vil bo nær mormor
              case.closed: 2026-01-01
              measures[0].valid_from: 2027-06-01
            """)
        XCTAssertTrue(message.hasPrefix("3 problems: "), message)
        for part in ["children[5].wishes", "case.closed", "measures[0].valid_to"] {
            XCTAssertTrue(message.contains(part), "\(message) should name \(part)")
        }
        XCTAssertFalse(message.contains("mormor"), "values are never repeated")
    }

    func testParseErrorsAndContradictionsAreReportedTogether() throws {
        let message = try refused("set: {case.status: shut, person.gender: none, person.birth_date: 1985-01-16}")
        for part in ["case.status", "person.gender", "person.birth_date"] { XCTAssertTrue(message.contains(part), message) }
    }

    func testBirthDateMustMatchTheIdentityNumber() throws {
        XCTAssertTrue(try refused("set: {person.birth_date: 1986-01-15}").contains("person.national_id"))
    }

    func testThreatSubjectMustBeTheAdultOrAChild() throws {
        XCTAssertTrue(try refused("set: {\"threats[1].subject\": Ukjent barn}").contains("threats[1].subject"))
        try t.session("kari").updateCase(id, patchText: "set: {\"threats[1].subject\": adult}")
    }

    func testDatesInOrder() throws {
        XCTAssertTrue(try refused("set: {\"measures[1].valid_to\": 2026-10-01}").contains("measures[1].valid_to"))
        XCTAssertTrue(try refused("set: {\"consents[0].withdrawn_on\": 2026-10-01}").contains("consents[0].withdrawn_on"))
        XCTAssertTrue(try refused("set: {case.closed: 2026-10-01}").contains("case.closed"))
        try t.session("kari").updateCase(id, patchText: "set: {case.closed: 2026-12-01}")
    }

    func testAnIndexPastTheEndIsRefusedButTheNextFreeOneIsNot() throws {
        XCTAssertTrue(try refused("set: {\"children[5].wishes\": Katt}").contains("children has no entry 5"))
        XCTAssertTrue(try refused("set: {\"threats[0].perpetrators[3].name\": Per}").contains("threats[0].perpetrators has no entry 3"))
        try t.session("kari").updateCase(id, patchText: "set: {\"children[1].alias\": Lillebror}")
        let fields = try t.session("kari").showCase(id).fields
        XCTAssertEqual(fields["children[1].alias"], .text("Lillebror"))
        XCTAssertNil(fields.keys.first { $0.hasPrefix("children[5]") })
    }

    func testARepeatedAddIsRefused() throws {
        let patch = "add: {applications: {kind: private-rental, responsible: centre, status: planned}}"
        try t.session("kari").updateCase(id, patchText: patch)
        XCTAssertTrue(try refused(patch).contains("add applications: an identical entry is already there"))
        XCTAssertTrue(try refused("add: {notes: [{date: 2026-12-01, text: Hei}, {date: 2026-12-01, text: Hei}]}").contains("add notes"))
        // The same note again, by a writer who cannot read notes, is not compared (and so not refused).
        try t.session("nils").updateCase(id, patchText: "add: {notes: {date: 2026-10-02, text: \"Innkomstsamtale gjennomført.\"}}")
    }

    func testAContradictionAlreadyInTheRecordDoesNotBlockOtherChanges() throws {
        let record = "case: {opened: 2026-10-02, closed: 2026-10-01}\nperson: {alias: A}\n"
        let e = TestVault.assertFails([.invalidInput], "closed before opened") { try t.session("kari").createCase(recordText: record) }
        XCTAssertTrue(e?.message.contains("case.closed") ?? false)
        // A patch that leaves an old contradiction alone is not blamed for it.
        let fields = RecordConsistency(fields: ["case.opened": .text("2026-10-02"), "case.closed": .text("2026-10-01")], sealed: []).problems()
        XCTAssertEqual(fields, ["case.closed: is before case.opened"])
    }

    func testANewRecordReportsEveryProblem() throws {
        let record = """
            case: {status: shut, opened: 2026-10-02, closed: 2026-10-01}
            person: {national_id: "15418510002", birth_date: 1985-02-15, gender: none}
            children: [{alias: Maur}]
            threats: [{subject: Noen andre}]
            """
        let e = TestVault.assertFails([.invalidInput], "bad record") { try t.session("kari").createCase(recordText: record) }
        let message = e?.message ?? ""
        XCTAssertTrue(message.hasPrefix("5 problems: "), message)
        for part in ["case.status", "case.closed", "person.birth_date", "person.gender", "threats[0].subject"] {
            XCTAssertTrue(message.contains(part), message)
        }
    }

    func testWritePermissionIsCheckedBeforeConsistency() throws {
        // nils may not write valid_to; he must not learn from a validation message that renewal_due lies later.
        let e = TestVault.assertFails([.accessDenied], "night shift") {
            try t.session("nils").updateCase(id, patchText: "set: {\"measures[0].valid_to\": 2026-11-01}")
        }
        XCTAssertFalse(e?.message.contains("renewal_due") ?? true)
    }
}
