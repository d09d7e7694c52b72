import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import Foundation
import XCTest

/// NAV answers with its decisions on money and the housing office with its decision on an
/// application: each carries a reply deadline that `tasks` follows up, and once the contact
/// person confirms the merge it sets the status of the application it decides.
final class DecisionAnswerTests: XCTestCase {
    static let socialAssistance = """
        kind: social-assistance
        summary: Økonomisk sosialhjelp til første måneds husleie.
        decision: partly-granted
        decision_date: 2026-12-03
        decision_amount: 9500
        decision_respond_by: 2026-12-17
        """

    static let municipalHousingRefused = """
        kind: application-decision
        decision: refused
        decision_date: 2026-12-04
        decision_respond_by: 2026-12-25
        """

    private func answer(_ w: HandoverWorld, from recipient: String, _ text: String) throws -> [UInt8] {
        let bundle = try w.open(try w.create(to: recipient).bytes, as: recipient)
        return try HandoverAnswer.make(answering: bundle, answerText: text, identity: w.identity(recipient)).bytes
    }

    func testANAVDecisionAddsTheApplicationItDecidesAndItsDeadlineIsATask() throws {
        let w = try HandoverWorld()
        let kari = try w.session("kari")
        _ = try kari.importAnswer(try answer(w, from: HandoverWorld.nav, Self.socialAssistance))
        let imported = try kari.showCase(w.caseID).fields
        XCTAssertEqual(imported["answers[0].kind"], .text("social-assistance"))
        XCTAssertEqual(imported["answers[0].decision"], .text("partly-granted"))
        XCTAssertEqual(imported["answers[0].decision_amount"], .integer(9500))
        XCTAssertEqual(imported["answers[0].from_role"], .text("nav"))

        let due = try DueList(session: kari, today: CalendarDate("2026-12-07")!).items(withinDays: 30).filter { $0.kind == .decisionResponse }
        XCTAssertEqual(due.map(\.path), ["answers[0].decision_respond_by"])
        XCTAssertEqual(due.first?.due, CalendarDate("2026-12-17"))
        XCTAssertEqual(due.first?.owner, "resident")
        XCTAssertEqual(due.first?.what, "Svar på vedtak om økonomisk sosialhjelp fra \(HandoverWorld.nav)")

        // The sample case has no social-assistance application: the merge adds one, NAV's.
        let merge = try kari.proposeAnswerMerge(w.caseID, answer: 0)
        XCTAssertEqual(merge.changes.map(\.path), ["applications[2].kind", "applications[2].responsible", "applications[2].status"])
        XCTAssertEqual(merge.changes.map(\.after), [.text("social-assistance"), .text("nav"), .text("granted")])
        _ = try kari.mergeAnswer(w.caseID, answer: 0, expected: merge.changes)
        let merged = try kari.showCase(w.caseID).fields
        XCTAssertEqual(merged["applications[2].status"], .text("granted"), "partly granted counts as granted")
        XCTAssertEqual(merged["applications[1].kind"], .text("deposit-guarantee"), "the other applications are untouched")
        XCTAssertEqual(merged["answers[0].decision_amount"], .integer(9500), "the answer stays as the evidence")
        XCTAssertTrue(try kari.proposeAnswerMerge(w.caseID, answer: 0).changes.isEmpty)
    }

    func testAHousingOfficeDecisionSetsTheStatusOfTheMunicipalHousingApplication() throws {
        let w = try HandoverWorld()
        let kari = try w.session("kari")
        _ = try kari.importAnswer(try answer(w, from: HandoverWorld.housing, Self.municipalHousingRefused))
        let merge = try kari.proposeAnswerMerge(w.caseID, answer: 0)
        XCTAssertEqual(merge.changes, [AnswerMerge.Change(path: "applications[0].status", before: .text("submitted"), after: .text("refused"))])
        _ = try kari.mergeAnswer(w.caseID, answer: 0)
        let f = try kari.showCase(w.caseID).fields
        XCTAssertEqual(f["applications[0].status"], .text("refused"))
        XCTAssertEqual(f["applications[0].responsible"], .text("housing-office"))
        XCTAssertEqual(ValueLabels.label(of: "application-decision", pattern: "answers[].kind"), "vedtak på boligsøknad")
        XCTAssertEqual(ValueLabels.label(of: "refused", pattern: "answers[].decision"), "avslått")
    }

    func testEachSenderMaySendOnlyItsOwnDecisionsAndADecisionNeedsItsDeadline() throws {
        let w = try HandoverWorld()
        func opened(_ recipient: String) throws -> OpenedBundle { try w.open(try w.create(to: recipient).bytes, as: recipient) }
        let nav = try opened(HandoverWorld.nav), housing = try opened(HandoverWorld.housing), police = try opened(HandoverWorld.police)
        func make(_ bundle: OpenedBundle, _ text: String) throws {
            _ = try HandoverAnswer.make(answering: bundle, answerText: text, identity: w.identity(bundle.manifest.recipient))
        }
        let deposit = "kind: deposit-guarantee\ndecision: granted\ndecision_date: 2026-12-03\ndecision_respond_by: 2026-12-10\n"
        XCTAssertNoThrow(try make(nav, deposit))
        XCTAssertNoThrow(try make(nav, deposit.replacingOccurrences(of: "deposit-guarantee", with: "housing-allowance")))
        XCTAssertNoThrow(try make(housing, Self.municipalHousingRefused))
        expectHandoverError(.accessDenied, "the housing office decides no deposit guarantee") { try make(housing, deposit) }
        expectHandoverError(.accessDenied, "NAV decides no municipal housing") { try make(nav, Self.municipalHousingRefused) }
        expectHandoverError(.accessDenied, "the police decide no social assistance") { try make(police, Self.socialAssistance) }
        expectHandoverError(.invalidInput, "no reply deadline") { try make(nav, "kind: deposit-guarantee\ndecision: granted\ndecision_date: 2026-12-03\n") }
        expectHandoverError(.invalidInput, "deadline before the decision") {
            try make(nav, deposit.replacingOccurrences(of: "2026-12-10", with: "2026-12-01"))
        }
        expectHandoverError(.invalidInput, "an offer's key in a decision") { try make(nav, deposit + "offer_area: Nordstrand\n") }
        expectHandoverError(.invalidInput, "an outcome that is no outcome") { try make(nav, deposit.replacingOccurrences(of: "granted", with: "maybe")) }
        expectHandoverError(.invalidInput, "a negative amount") { try make(nav, deposit + "decision_amount: -5\n") }
    }
}
