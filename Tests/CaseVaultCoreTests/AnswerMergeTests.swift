import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import Foundation
import SodiumKit
import XCTest

/// An imported answer lands in the case once the contact person confirms: the police
/// assessment in the threat mapping, decided measures renewing the measure of the same type
/// (with the renewal reminder moved) or added; the answer stays as the evidence.
final class AnswerMergeTests: XCTestCase {
    private let police = HandoverWorld.police

    private func imported(_ w: HandoverWorld, _ text: String) throws {
        let bundle = try w.open(try w.create(to: police).bytes, as: police)
        _ = try w.session("kari").importAnswer(try HandoverAnswer.make(answering: bundle, answerText: text, identity: w.identity(police)).bytes)
    }

    func testAPoliceAssessmentGoesIntoTheChosenThreatMapping() throws {
        let w = try HandoverWorld()
        try imported(w, HandoverAnswerTests.assessment)
        let kari = try w.session("kari")
        let merge = try kari.proposeAnswerMerge(w.caseID, answer: 0, threat: 1)
        XCTAssertEqual(merge.changes.map(\.path), ["threats[1].police_assessment.tool", "threats[1].police_assessment.level",
                                                   "threats[1].police_assessment.date"])
        XCTAssertEqual(merge.changes.first?.before, .text("SARA"))
        let written = try kari.mergeAnswer(w.caseID, answer: 0, threat: 1, expected: merge.changes)
        let after = try kari.showCase(w.caseID)
        XCTAssertEqual(after.latest.version, written.version)
        XCTAssertEqual(after.fields["threats[1].police_assessment.level"], .text("high"))
        XCTAssertEqual(after.fields["threats[1].police_assessment.tool"], .text("SARA:SV"))
        XCTAssertEqual(after.fields["threats[0].police_assessment.level"], .text("høy"), "the other mapping is untouched")
        XCTAssertEqual(after.fields["answers[0].assessment_level"], .text("high"), "the answer stays as the evidence")
        let entry = try XCTUnwrap(try w.rawLogEntries().map { try LogEntry.parse($0) }.last { $0.action == LogAction.caseUpdate.rawValue })
        XCTAssertEqual(entry.detailValue("merged-answer"), merge.answerID)
        XCTAssertEqual(entry.detailValue("version"), String(written.version))
        // Merged once: a second merge changes nothing and writes nothing.
        XCTAssertTrue(try kari.proposeAnswerMerge(w.caseID, answer: 0, threat: 1).changes.isEmpty)
        _ = expectHandoverError(.refused) { _ = try kari.mergeAnswer(w.caseID, answer: 0, threat: 1) }
        XCTAssertEqual(try kari.showCase(w.caseID).latest.version, written.version)
    }

    func testDecidedMeasuresRenewTheSameTypeAndMoveItsReminderOrAreAdded() throws {
        let w = try HandoverWorld()
        try imported(w, """
            kind: measures
            summary: Voldsalarm forlenget; besøksforbud vedtatt.
            measures:
              - {type: mobile-violence-alarm, decided_on: 2026-12-01, valid_from: 2026-12-01, valid_to: 2027-03-10}
              - {type: visiting-ban, decided_on: 2026-12-01, valid_from: 2026-12-02, valid_to: 2027-06-01}
            """)
        let kari = try w.session("kari")
        _ = try kari.mergeAnswer(w.caseID, answer: 0)
        let f = try kari.showCase(w.caseID).fields
        XCTAssertEqual(f["measures[0].valid_to"], .text("2027-03-10"))
        XCTAssertEqual(f["measures[0].renewal_due"], .text("2027-02-24"), "the alarm's reminder follows its new end")
        XCTAssertEqual(f["measures[0].decided_by"], .text(police))
        XCTAssertEqual(f["measures[1].type"], .text("contact-ban"), "a measure the answer does not name is untouched")
        XCTAssertEqual(f["measures[2].type"], .text("visiting-ban"))
        XCTAssertEqual(f["measures[2].valid_from"], .text("2026-12-02"))
        // The due list no longer shows the old reminder (05.01.2027) for the alarm.
        let due = try DueList(session: kari, today: CalendarDate("2026-12-07")!).items(withinDays: 90).filter { $0.path == "measures[0].renewal_due" }
        XCTAssertEqual(due.map(\.due), [CalendarDate("2027-02-24")!])
    }

    func testAMergeTheCaseMovedAwayFromIsRefusedAndTheNightShiftMayNotMerge() throws {
        let w = try HandoverWorld()
        try imported(w, HandoverAnswerTests.assessment)
        let shown = try w.session("kari").proposeAnswerMerge(w.caseID, answer: 0)
        _ = try w.session("kari").updateCase(w.caseID, patchText: "set:\n  threats[0].police_assessment.level: lav\n")
        _ = expectHandoverError(.refused) { _ = try w.session("kari").mergeAnswer(w.caseID, answer: 0, expected: shown.changes) }
        XCTAssertThrowsError(try w.session("nils").mergeAnswer(w.caseID, answer: 0))
        _ = expectHandoverError(.notFound) { _ = try w.session("kari").proposeAnswerMerge(w.caseID, answer: 5) }
    }
}
