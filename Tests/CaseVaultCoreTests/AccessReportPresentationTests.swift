import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import XCTest

/// The resident's access report: grouped by section, with the disclosure's consent and purpose,
/// plain reasons for refused attempts, in local time, and as HTML.
final class AccessReportPresentationTests: XCTestCase {
    func testTheResidentsReport() throws {
        let w = try HandoverWorld()
        _ = try w.create(to: HandoverWorld.housing, purpose: "Søknad om kommunal bolig <prioritert>")
        XCTAssertThrowsError(try w.session("karl").showCase(w.caseID))
        _ = try w.session("nils").showCase(w.caseID)
        let report = try w.session("rita").residentAccessReport(caseID: w.caseID)
        let d = try XCTUnwrap(report.disclosures.first)
        XCTAssertEqual(d.consent, "SAM-2026-015")
        XCTAssertEqual(d.purpose, "Søknad om kommunal bolig <prioritert>")

        let text = report.text
        XCTAssertTrue(text.contains("grunnlag / basis: samtykke (SAM-2026-015); formål / purpose: Søknad om kommunal bolig"), text)
        XCTAssertTrue(text.contains("barn 1: alias"), "fields grouped by section and entry: \(text)")
        XCTAssertTrue(text.contains("beskyttelsestiltak 1: tiltak, besluttet av"), text)
        XCTAssertTrue(text.contains("grunn / reason: personen er ikke knyttet til saken"), text)
        XCTAssertFalse(text.contains("Z  "), "local time, not UTC: \(text)")

        let html = report.html
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        XCTAssertTrue(html.contains("&lt;prioritert&gt;"), "text is escaped")
        XCTAssertFalse(html.contains("<prioritert>"))

        // The auditor's report has neither purposes nor consents: it never reads content.
        let auditor = try w.session("anne").residentAccessReport(caseID: w.caseID)
        XCTAssertNil(auditor.disclosures.first?.purpose)
        XCTAssertNil(auditor.disclosures.first?.consent)
    }

    func testGrouping() {
        XCTAssertEqual(AccessReport.grouped(["person.legal_name", "case.status", "person.alias", "threats[0].perpetrators[1].name"]),
                       "sak: status · person: alias, juridisk navn · trusselbilde 1, voldsutøver 2: navn på voldsutøver")
    }
}
