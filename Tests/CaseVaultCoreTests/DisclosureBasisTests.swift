import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import XCTest

/// A handover must rest on a consent that is in the case, in force and covers the recipient's
/// role, or on avvergeplikt towards the police; checked where the bundle is made.
final class DisclosureBasisTests: XCTestCase {
    private var w: HandoverWorld!

    override func setUpWithError() throws { w = try HandoverWorld() }

    private func request(to recipient: String, basis: HandoverManifest.Basis = .consent, consent: String?) -> HandoverRequest {
        HandoverRequest(caseID: w.caseID, recipientID: recipient, purpose: "Bolig", basis: basis, consentReference: consent,
                        expires: nil, includeAddress: false)
    }

    private func refused(_ r: HandoverRequest, _ what: String, mentions: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let versions = try w.count("SELECT COUNT(*) FROM case_versions")
        let approver = HandoverWorld.role(of: r.recipientID) == .police ? w.identity("lina") : nil
        let e = TestVault.assertFails([.accessDenied], what, file: file, line: line) { try w.session("kari").createHandover(r, approver: approver) }
        XCTAssertTrue(e?.message.contains(mentions) ?? false, "\(e?.message ?? "") should mention \(mentions)", file: file, line: line)
        XCTAssertEqual(try w.count("SELECT COUNT(*) FROM handover_disclosures"), 0, file: file, line: line)
        XCTAssertEqual(try w.count("SELECT COUNT(*) FROM case_versions"), versions, "nothing recorded", file: file, line: line)
    }

    func testAConsentThatIsNotInTheCaseIsRefused() throws {
        try refused(request(to: HandoverWorld.police, consent: "SAM-9999-000"), "absent consent", mentions: "no consent SAM-9999-000")
    }

    func testAWithdrawnConsentIsRefused() throws {
        try w.session("kari").updateCase(w.caseID, patchText: "set: {\"consents[1].withdrawn_on\": 2026-11-01}")
        try refused(request(to: HandoverWorld.housing, consent: "SAM-2026-015"), "withdrawn consent", mentions: "withdrawn")
    }

    func testAnExpiredConsentIsRefused() throws {
        try w.session("kari").updateCase(w.caseID, patchText: "set: {\"consents[2].valid_to\": 2026-10-20}")
        try refused(request(to: HandoverWorld.nav, consent: "SAM-2026-016"), "expired consent", mentions: "expired")
    }

    func testAConsentForAnotherRoleIsRefused() throws {
        try refused(request(to: HandoverWorld.nav, consent: "SAM-2026-014"), "police consent used for NAV", mentions: "does not cover disclosure to nav")
    }

    func testAvvergepliktOnlyTowardsThePolice() throws {
        try refused(request(to: HandoverWorld.housing, basis: .avvergeplikt, consent: nil), "avvergeplikt to housing", mentions: "police only")
        try refused(request(to: HandoverWorld.nav, basis: .avvergeplikt, consent: nil), "avvergeplikt to NAV", mentions: "police only")
        XCTAssertNoThrow(try w.session("kari").createHandover(request(to: HandoverWorld.police, basis: .avvergeplikt, consent: nil),
                                                              approver: w.identity("lina")))
    }

    func testABundleWithoutExpiryGetsTheDefaultAndRecordsItsConsent() throws {
        let made = try w.session("kari").createHandover(request(to: HandoverWorld.housing, consent: "SAM-2026-015"), approver: nil)
        let expires = try XCTUnwrap(made.manifest.expires)
        // The end of the Oslo day 30 days after the Oslo date it was made on.
        XCTAssertEqual(expires, made.manifest.created.osloDate.adding(days: Int(DisclosureBasis.defaultExpiryDays)).osloEnd)
        XCTAssertEqual(made.manifest.consentReference, "SAM-2026-015")
        let fields = try w.session("kari").showCase(w.caseID).fields
        XCTAssertEqual(fields["disclosures[0].consent_ref"], .text("SAM-2026-015"))
        XCTAssertEqual(fields["disclosures[0].expires"], .text(expires.osloDateField), "the case names the bundle's expiry day")
    }

    func testTheCheckItself() throws {
        let fields: [String: FieldValue] = [
            "consents[0].reference": .text("S-1"), "consents[0].recipient_role": .text("police"), "consents[0].given_on": .text("2026-12-10"),
        ]
        let check = DisclosureBasis(basis: .consent, consentReference: "S-1", recipientRole: .police)
        XCTAssertThrowsError(try check.verify(against: fields, today: CalendarDate("2026-12-01")!), "not yet given")
        XCTAssertNoThrow(try check.verify(against: fields, today: CalendarDate("2026-12-10")!))
    }
}
