import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import XCTest

/// Tasks and deadlines: what is due, from the records each member can read, against a fixed "today".
final class DueListTests: XCTestCase {
    static let record = """
        case: {type: resident, opened: 2026-09-01}
        person: {alias: Hegg}
        measures:
          - {type: mobile-violence-alarm, decided_by: politiet, valid_from: 2026-09-03, valid_to: 2027-02-01, renewal_due: 2026-12-03}
          - {type: contact-ban, valid_from: 2025-01-01, valid_to: 2025-06-01, renewal_due: 2025-05-01}
        threats: [{subject: adult, next_review: 2026-11-20}]
        tasks:
          - {what: Vedtak om depositumsgaranti, owner: nav, due: 2026-12-20}
          - {what: Søknad sendt, owner: centre, due: 2026-11-01, done: 2026-11-01, done_by: kari}
        """
    static let today = CalendarDate("2026-12-02")!

    func testRenewalTomorrowReviewOverdueAndATaskOwnedByNAV() throws {
        let t = try TestVault()
        let id = try t.session("kari").createCase(recordText: Self.record)
        let items = try DueList(session: try t.session("kari"), today: Self.today).items(withinDays: 30)
        XCTAssertEqual(items.map(\.kind), [.threatReview, .measureRenewal, .task], "overdue first, then by date; done tasks and lapsed measures left out")
        XCTAssertEqual(items.map(\.daysLeft), [-12, 1, 18])
        XCTAssertTrue(items[0].isOverdue)
        XCTAssertEqual(items[1].what, "Forny mobil voldsalarm")
        XCTAssertEqual(items[1].path, "measures[0].renewal_due")
        XCTAssertEqual(items[2].owner, "nav")
        XCTAssertEqual(items[2].what, "Vedtak om depositumsgaranti")
        XCTAssertTrue(items.allSatisfy { $0.caseID == id && $0.alias == "Hegg" })

        XCTAssertEqual(try DueList(session: try t.session("kari"), today: Self.today).items(withinDays: 7).map(\.kind), [.threatReview, .measureRenewal])
        XCTAssertEqual(try DueList(session: try t.session("kari"), today: Self.today).items(withinDays: 30, owner: "nav").map(\.kind), [.task])
        // The night shift reads measures, not tasks or the threat picture; karl is not on the case.
        XCTAssertEqual(try DueList(session: try t.session("nils"), today: Self.today).items(withinDays: 30).map(\.kind), [.measureRenewal])
        XCTAssertEqual(try DueList(session: try t.session("karl"), today: Self.today).items(withinDays: 30).count, 0)
    }

    func testReadingForTheListIsLogged() throws {
        let t = try TestVault()
        _ = try t.session("kari").createCase(recordText: Self.record)
        let before = try t.raw().count("log_entries")
        _ = try DueList(session: try t.session("kari"), today: Self.today).items(withinDays: 30)
        XCTAssertGreaterThan(try t.raw().count("log_entries"), before)
    }

    func testDerivedDeadlines() {
        let fields: [String: FieldValue] = [
            "followup.next_meeting": .text("2026-12-10"),
            "consents[0].reference": .text("SAM-1"), "consents[0].valid_to": .text("2026-12-05"),
            "disclosures[0].date": .text("2026-11-20"), "disclosures[0].recipient": .text("nav-nyby"),
            "disclosures[1].date": .text("2026-11-20"), "disclosures[1].receipt": .text("2026-11-21"),
        ]
        let id = CaseID.random()
        let items = Deadlines.sorted(Deadlines(today: Self.today).items(caseID: id, fields: fields))
        XCTAssertEqual(items.map(\.kind), [.receiptMissing, .consentExpiry, .followUpMeeting])
        XCTAssertEqual(items[0].due, CalendarDate("2026-11-27"))
        XCTAssertNil(items[0].alias)
    }

    func testASentBundlesExpiryIsADeadline() throws {
        let w = try HandoverWorld()
        let sent = try w.create(to: HandoverWorld.nav).manifest
        let expires = try XCTUnwrap(sent.expires)
        let today = sent.created.osloDate
        let items = try DueList(session: try w.session("kari"), today: today).items(withinDays: 60).filter { $0.kind == .bundleExpiry }
        XCTAssertEqual(items.count, 1)
        XCTAssertEqual(items.first?.due, CalendarDate(expires.osloDateField))
        XCTAssertEqual(items.first?.daysLeft, Int(DisclosureBasis.defaultExpiryDays))
        XCTAssertEqual(items.first?.what, "Pakke til \(HandoverWorld.nav) utløper")
        XCTAssertEqual(items.first?.path, "disclosures[0].expires")
        let receipt = try DueList(session: try w.session("kari"), today: today).items(withinDays: 60).filter { $0.kind == .receiptMissing }
        XCTAssertEqual(receipt.count, 1, "the unconfirmed receipt is a deadline too")
    }

    func testAHousingOfferToAnswerIsTheResidentsDeadline() {
        let fields: [String: FieldValue] = ["answers[0].from": .text("nyby-bolig"), "answers[0].offer_respond_by": .text("2026-12-04")]
        let items = Deadlines(today: Self.today).items(caseID: CaseID.random(), fields: fields)
        XCTAssertEqual(items.map(\.kind), [.offerResponse])
        XCTAssertEqual(items.first?.owner, "resident")
        XCTAssertEqual(items.first?.daysLeft, 2)
    }
}
