@testable import AccessPolicy
import XCTest

final class PolicyEvaluationTests: XCTestCase {
    let policy = Policy.makeDefault()

    func testConcretePathsWithIndices() {
        XCTAssertEqual(policy.canRead(.childContact, field: "children[2].name"), .allowed)
        XCTAssertEqual(policy.canRead(.police, field: "threats[0].perpetrators[3].name"), .allowed)
        XCTAssertEqual(policy.canRead(.police, field: "threats[10].police_assessment.level"), .allowed)
        XCTAssertEqual(policy.canWrite(.childContact, field: "threats[1].narrative"), .allowed)
        XCTAssertEqual(policy.canRead(.nav, field: "threats[2].narrative"),
                       .denied(reason: "nav may not read threats[2].narrative"))
        XCTAssertEqual(policy.canWrite(.nightShift, field: "measures[0].valid_to"),
                       .denied(reason: "night-shift may not write measures[0].valid_to"))
    }

    func testPatternsAreAcceptedDirectly() {
        XCTAssertEqual(policy.canRead(.childContact, field: "children[].name"), .allowed)
        XCTAssertEqual(policy.canRead(.nav, field: "threats[].narrative"),
                       .denied(reason: "nav may not read threats[].narrative"))
    }

    func testMalformedPathsAreDenied() {
        for path in ["children[01].name", "children[-1].name", "children[x].name", "children[12345].name",
                     "children[1.name", "threats[0].perpetrators[].name", "children[٣].name"] {
            XCTAssertEqual(policy.canRead(.contactPerson, field: path),
                           .denied(reason: "contact-person may not read malformed path \"\(path)\""), path)
            XCTAssertEqual(policy.canWrite(.contactPerson, field: path).isAllowed, false, path)
            XCTAssertEqual(policy.readers(of: path), [], path)
        }
    }

    func testUnknownFieldsAreDenied() {
        for path in ["person.shoe_size", "children.name", "case[0].type", "children[0]name", "", "CASE.TYPE"] {
            XCTAssertEqual(policy.canRead(.contactPerson, field: path),
                           .denied(reason: "contact-person may not read unknown field \"\(path)\""), path)
            XCTAssertEqual(policy.writers(of: path), [], path)
        }
    }

    func testDenialReasonIsOneLine() {
        guard case .denied(let reason) = policy.canRead(.nav, field: "x\ny") else { return XCTFail() }
        XCTAssertFalse(reason.contains("\n"), reason)
    }

    func testReadersAndWritersAcceptPaths() {
        XCTAssertEqual(policy.readers(of: "threats[1].narrative"), [.contactPerson, .childContact, .resident])
        XCTAssertEqual(policy.writers(of: "notes[0].text"), [.contactPerson, .childContact, .nightShift])
        XCTAssertEqual(policy.rule(for: "address.new"), FieldRule(read: [.contactPerson, .police, .resident], write: [.contactPerson]))
    }

    func testReadablePatternsInCatalogueOrder() {
        XCTAssertEqual(policy.readablePatterns(for: .nightShift), [
            "case.type", "case.phase", "case.status", "person.alias", "children[].alias",
            "measures[].type", "measures[].decided_by", "measures[].valid_from", "measures[].valid_to",
            "measures[].renewal_due", "safety.do_not_admit", "safety.alarm_active", "safety.night_instructions",
            "answers[].measures[].type", "answers[].measures[].decided_on", "answers[].measures[].valid_from",
            "answers[].measures[].valid_to",
        ])
        XCTAssertEqual(policy.readablePatterns(for: .leader), [
            "case.type", "case.phase", "case.status", "case.opened", "case.closed", "person.alias",
            "police.basis", "police.date", "consents[].purpose", "consents[].recipient_role",
            "consents[].reference", "consents[].written", "consents[].given_on", "consents[].withdrawn_on", "consents[].valid_to",
            "disclosures[].bundle", "disclosures[].recipient", "disclosures[].recipient_role", "disclosures[].date",
            "disclosures[].basis", "disclosures[].consent_ref", "disclosures[].purpose", "disclosures[].fields",
            "disclosures[].approved_by", "disclosures[].receipt", "disclosures[].expires",
            "answers[].answer", "answers[].bundle", "answers[].from", "answers[].from_role", "answers[].received", "answers[].kind",
        ])
    }

    func testDecisionDescription() {
        XCTAssertEqual(PolicyDecision.allowed.description, "allowed")
        XCTAssertEqual(PolicyDecision.denied(reason: "nav may not read address.new").description,
                       "denied: nav may not read address.new")
    }
}
