@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import CaseVaultSamples
import Foundation
import XCTest

/// Every date a person types or reads is an Oslo date; every instant is stored in UTC. The
/// computed EU rule is checked against the system's Europe/Oslo zone, and the dates the vault
/// stores are checked at 00:30 Oslo time (23:30 UTC in winter) and on both summer-time change days.
final class OsloTimeTests: XCTestCase {
    private func t(_ text: String) -> Timestamp { Timestamp(rfc3339: text)! }
    private func d(_ text: String) -> CalendarDate { CalendarDate(text)! }

    func testTheComputedRuleAgreesWithTheSystemZoneEveryHourOfThreeYears() throws {
        guard let zone = TimeZone(identifier: "Europe/Oslo") else {
            return XCTFail("the Europe/Oslo zone is missing: install the tzdata package (scripts/install-deps.sh does)")
        }
        var seconds = t("2026-01-01T00:00:00Z").seconds
        let end = t("2029-01-01T00:00:00Z").seconds
        while seconds < end {
            let expected = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
            XCTAssertEqual(Timestamp(seconds: seconds).osloOffset, Int64(expected), "offset at \(Timestamp(seconds: seconds))")
            seconds += 3600
        }
    }

    func testAnOsloDayStartsAndEndsAtOsloMidnight() {
        XCTAssertEqual(d("2027-01-15").osloStart, t("2027-01-14T23:00:00Z"))
        XCTAssertEqual(d("2027-01-15").osloEnd, t("2027-01-15T22:59:59Z"), "an expiry ends at 23:59:59 Oslo time, not UTC")
        XCTAssertEqual(d("2027-07-01").osloStart, t("2027-06-30T22:00:00Z"))
        XCTAssertEqual(d("2027-07-01").osloEnd, t("2027-07-01T21:59:59Z"))
        // The spring change day has 23 hours, the autumn one 25.
        XCTAssertEqual(d("2027-03-28").osloStart, t("2027-03-27T23:00:00Z"))
        XCTAssertEqual(d("2027-03-28").osloEnd, t("2027-03-28T21:59:59Z"))
        XCTAssertEqual(d("2026-10-25").osloStart, t("2026-10-24T22:00:00Z"))
        XCTAssertEqual(d("2026-10-25").osloEnd, t("2026-10-25T22:59:59Z"))
        XCTAssertEqual(d("2026-10-25").osloEnd.osloText, "25.10.2026 kl. 23:59")
        XCTAssertEqual(d("2027-03-28").osloEnd.osloText, "28.03.2027 kl. 23:59")
        XCTAssertEqual(d("2027-10-31").osloStart, t("2027-10-30T22:00:00Z"))
        XCTAssertEqual(d("2027-10-31").osloEnd, t("2027-10-31T22:59:59Z"))
        XCTAssertEqual(d("2027-10-31").osloEnd.osloText, "31.10.2027 kl. 23:59")
    }

    func testTheDefaultExpiryIsTheEndOfAnOsloDayAndTheCaseNamesThatDay() {
        // 00:40 on 7 December in Oslo is still 6 December in UTC.
        let expiry = DisclosureBasis.expiry(nil, now: t("2026-12-06T23:40:00Z"))
        XCTAssertEqual(expiry, d("2027-01-06").osloEnd)
        XCTAssertEqual(expiry.osloDateField, "2027-01-06")
        XCTAssertEqual(expiry.osloText, "06.01.2027 kl. 23:59")
        let asked = d("2027-01-15").osloEnd
        XCTAssertEqual(DisclosureBasis.expiry(asked, now: t("2026-12-06T23:40:00Z")), asked)
    }

    /// After midnight in Oslo while UTC still has the day before: winter, and both change days.
    static let nightTimes = ["2026-12-06T23:30:00Z", "2026-10-24T22:30:00Z", "2026-10-25T23:30:00Z", "2027-03-27T23:30:00Z", "2027-03-28T22:30:00Z",
                             "2027-10-30T22:30:00Z", "2027-10-31T23:30:00Z"]

    /// The sample case with its police consent renewed to 2028, so the autumn-2027 nights may still send.
    static let sampleWithConsentRenewed = SampleCase.asOfOctober2026.replacing("valid_to: 2027-10-09", with: "valid_to: 2028-10-09")

    /// Either side of each 2027 change, the hour people read moves and the instant does not.
    func testInstantsAroundThe2027ChangesReadInOsloTime() {
        XCTAssertEqual(t("2027-03-28T00:59:59Z").osloText, "28.03.2027 kl. 01:59")
        XCTAssertEqual(t("2027-03-28T01:00:00Z").osloText, "28.03.2027 kl. 03:00", "02:00 Oslo does not exist in spring")
        XCTAssertEqual(t("2027-10-31T00:30:00Z").osloText, "31.10.2027 kl. 02:30")
        XCTAssertEqual(t("2027-10-31T01:30:00Z").osloText, "31.10.2027 kl. 02:30", "02:30 Oslo comes twice in autumn")
        XCTAssertEqual(t("2027-10-30T22:30:00Z").osloDate, d("2027-10-31"))
        XCTAssertEqual(t("2027-10-31T23:30:00Z").osloDate, d("2027-11-01"))
    }

    func testTheVaultStoresOsloDatesForDisclosureExpiryReceiptAndAnswer() throws {
        for time in Self.nightTimes {
            let now = t(time)
            let oslo = now.osloDate
            XCTAssertNotEqual(oslo.description, now.date, "\(time) is a night where Oslo and UTC differ")
            let w = try HandoverWorld(startingAt: now, record: OsloTimeTests.sampleWithConsentRenewed)
            let made = try w.create(to: HandoverWorld.police, expires: d("2028-10-01").osloEnd)
            XCTAssertEqual(made.manifest.created, now)
            let bundle = try w.open(made.bytes, as: HandoverWorld.police, now: now)
            let receipt = HandoverReceipt(for: bundle, identity: w.identity(HandoverWorld.police), received: now)
            _ = try w.session("kari").confirmReceipt(receipt.text)
            let answer = try HandoverAnswer.make(answering: bundle, answerText: HandoverAnswerTests.assessment,
                                                 identity: w.identity(HandoverWorld.police), now: now)
            _ = try w.session("kari").importAnswer(answer.bytes)
            let fields = try w.session("kari").showCase(w.caseID).fields
            XCTAssertEqual(fields["disclosures[0].date"], .text(oslo.description), "disclosure date at \(time)")
            XCTAssertEqual(fields["disclosures[0].expires"], .text("2028-10-01"), "expiry at \(time)")
            XCTAssertEqual(fields["disclosures[0].receipt"], .text(oslo.description), "receipt date at \(time)")
            XCTAssertEqual(fields["answers[0].received"], .text(oslo.description), "answer date at \(time)")
        }
    }
}
