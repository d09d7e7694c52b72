import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import Foundation
import XCTest

/// The phase-2 round trip after midnight in Oslo, on nights when UTC still has the day before
/// (winter, and both 2027 summer-time change days): bundles with chosen fields to the police,
/// the housing office and NAV; their answers imported and merged; every stored date is the Oslo date and the due
/// list follows the merged answers.
final class OsloRoundTripTests: XCTestCase {
    private func d(_ text: String) -> CalendarDate { CalendarDate(text)! }

    func testEveryRecipientsAnswerLandsWithOsloDatesAndUpdatesTheDueList() throws {
        for time in ["2026-12-06T23:40:00Z", "2027-03-27T23:30:00Z", "2027-10-30T22:30:00Z"] {
            let now = Timestamp(rfc3339: time)!
            let oslo = now.osloDate
            XCTAssertNotEqual(oslo.description, now.date, "\(time) is a night where Oslo and UTC differ")
            // Every consent renewed to 2028, so the autumn-2027 night may still send.
            let record = OsloTimeTests.sampleWithConsentRenewed.replacing("valid_to: 2027-10-18", with: "valid_to: 2028-10-18")
            let w = try HandoverWorld(startingAt: now, record: record)
            let alarmEnd = oslo.adding(days: 90)
            // Each handover carries only the fields its sender chose (and the consents naming that recipient).
            let chosen = [HandoverWorld.police: ["person.legal_name"], HandoverWorld.housing: ["person.legal_name", "housing"],
                          HandoverWorld.nav: ["person.legal_name", "housing"]]
            let answers = [
                (HandoverWorld.police, """
                    kind: measures
                    measures:
                      - {type: mobile-violence-alarm, decided_on: \(oslo), valid_from: \(oslo), valid_to: \(alarmEnd)}
                    """),
                (HandoverWorld.housing, "kind: application-decision\ndecision: granted\ndecision_date: \(oslo)\ndecision_respond_by: \(oslo.adding(days: 14))\n"),
                (HandoverWorld.nav, "kind: deposit-guarantee\ndecision: refused\ndecision_date: \(oslo)\ndecision_respond_by: \(oslo.adding(days: 21))\n"),
            ]
            let kari = try w.session("kari")
            for (recipient, text) in answers {
                let bundle = try w.open(try w.create(to: recipient, fields: chosen[recipient]).bytes, as: recipient, now: now)
                let beyond = bundle.fields.keys.filter { path in
                    !path.hasPrefix("consents[") && !chosen[recipient]!.contains { path == $0 || path.hasPrefix($0 + ".") }
                }
                XCTAssertEqual(beyond, [], "\(recipient) gets only the chosen fields at \(time)")
                XCTAssertNotNil(bundle.fields["person.legal_name"], "\(recipient) at \(time)")
                _ = try kari.confirmReceipt(HandoverReceipt(for: bundle, identity: w.identity(recipient), received: now).text)
                _ = try kari.importAnswer(try HandoverAnswer.make(answering: bundle, answerText: text, identity: w.identity(recipient), now: now).bytes)
            }
            for n in answers.indices { _ = try kari.mergeAnswer(w.caseID, answer: n) }

            let f = try kari.showCase(w.caseID).fields
            for i in answers.indices {
                XCTAssertEqual(f["disclosures[\(i)].date"], .text(oslo.description), "disclosure \(i) at \(time)")
                XCTAssertEqual(f["disclosures[\(i)].receipt"], .text(oslo.description), "receipt \(i) at \(time)")
                XCTAssertEqual(f["disclosures[\(i)].expires"], .text(oslo.adding(days: 30).description), "expiry \(i) at \(time)")
                XCTAssertEqual(f["answers[\(i)].received"], .text(oslo.description), "answer \(i) at \(time)")
            }
            XCTAssertEqual(f["measures[0].valid_to"], .text(alarmEnd.description))
            XCTAssertEqual(f["applications[0].status"], .text("granted"), "municipal housing granted at \(time)")
            XCTAssertEqual(f["applications[1].status"], .text("refused"), "deposit guarantee refused at \(time)")

            let due = try DueList(session: kari, today: oslo).items(withinDays: 90)
            func dates(_ kind: DueItem.Kind) -> [CalendarDate] { due.filter { $0.kind == kind }.map(\.due) }
            XCTAssertEqual(dates(.decisionResponse), [oslo.adding(days: 14), oslo.adding(days: 21)], time)
            XCTAssertEqual(dates(.bundleExpiry), Array(repeating: oslo.adding(days: 30), count: 3), time)
            XCTAssertEqual(dates(.receiptMissing), [], "every receipt came back at \(time)")
            XCTAssertEqual(due.filter { $0.path == "measures[0].renewal_due" }.map(\.due), [alarmEnd.adding(days: -AnswerMerge.renewalLeadDays)],
                           "the alarm's reminder follows the police's new end at \(time)")
        }
    }
}
