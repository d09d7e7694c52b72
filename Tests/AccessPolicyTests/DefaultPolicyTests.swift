@testable import AccessPolicy
import Foundation
import XCTest

/// The default policy against a table written here by hand from the brief's matrix, in a
/// different notation from DefaultPolicy.swift, so that a drifting default fails.
final class DefaultPolicyTests: XCTestCase {
    /// Abbreviations spelt out here rather than taken from `Role.abbreviation`, to stay independent.
    private static let roleByCode: [String: Role] = [
        "CP": .contactPerson, "CC": .childContact, "NS": .nightShift, "L": .leader,
        "HO": .housingOffice, "NAV": .nav, "PO": .police, "AU": .auditor, "RE": .resident,
    ]

    /// pattern → (readers, writers), role codes separated by spaces.
    private static let expected: [String: (read: String, write: String)] = {
        var table: [String: (read: String, write: String)] = [
            "case.type": ("CP CC NS L RE", "CP"),
            "case.phase": ("CP CC NS L RE", "CP"),
            "case.status": ("CP CC NS L RE", "CP L"),
            "case.opened": ("CP CC L RE", "CP"),
            "case.closed": ("CP CC L RE", "CP L"),

            "person.alias": ("CP CC NS L RE PO", "CP"),
            "person.legal_name": ("CP RE HO NAV PO", "CP"),
            "person.birth_date": ("CP RE HO NAV PO", "CP"),
            "person.national_id": ("CP RE NAV PO", "CP"),
            "person.gender": ("CP RE PO", "CP"),
            "person.safe_contact": ("CP RE HO NAV PO", "CP"),
            "person.language": ("CP CC RE NAV PO", "CP"),
            "person.interpreter": ("CP CC RE NAV PO", "CP"),
            "person.residence_status": ("CP RE NAV", "CP"),
            "person.address_protection": ("CP RE HO NAV PO", "CP"),
            "person.fictitious_identity": ("CP RE PO", "CP"),

            "address.current": ("CP RE", "CP"),
            "address.new": ("CP RE PO", "CP"),

            "children[].alias": ("CP CC NS RE PO", "CP CC"),
            "children[].name": ("CP CC RE HO NAV PO", "CP CC"),
            "children[].birth_date": ("CP CC RE HO NAV PO", "CP CC"),
            "children[].school": ("CP CC RE", "CP CC"),
            "children[].wishes": ("CP CC RE", "CP CC"),
            "children[].child_welfare_notice": ("CP CC", "CP CC"),
            "children[].visitation": ("CP CC RE", "CP CC"),
            "children[].informed": ("CP CC RE", "CP CC"),

            "police.basis": ("CP RE PO L", "CP"),
            "police.date": ("CP RE PO L", "CP"),

            "followup.responsible": ("CP CC RE HO NAV", "CP"),
            "followup.coordinator": ("CP CC RE HO NAV", "CP"),
            "followup.next_meeting": ("CP CC RE HO NAV", "CP"),
            "followup.safety_plan": ("CP CC RE", "CP"),

            "notes[].date": ("CP RE", "CP CC NS"),
            "notes[].text": ("CP RE", "CP CC NS"),
        ]
        let threats = [
            "subject", "perpetrators[].relation", "perpetrators[].name", "perpetrators[].avoid_areas",
            "perpetrators[].weapons_access", "perpetrators[].earlier_violence", "perpetrators[].order_breaches",
            "perpetrators[].knows_centre_location", "violence_types", "severity", "duration", "escalation",
            "digital_risks", "centre_judgement", "police_assessment.tool", "police_assessment.level",
            "police_assessment.date", "next_review",
        ]
        for name in threats { table["threats[].\(name)"] = ("CP CC RE PO", "CP CC") }
        table["threats[].narrative"] = ("CP CC RE", "CP CC")

        for name in ["trigger", "consent_ref", "district", "contact"] { table["police.\(name)"] = ("CP RE PO", "CP") }
        for name in ["type", "decided_by", "valid_from", "valid_to", "renewal_due"] {
            table["measures[].\(name)"] = ("CP CC NS RE PO", "CP")
        }
        for name in ["do_not_admit", "alarm_active", "night_instructions"] { table["safety.\(name)"] = ("CP CC NS RE", "CP") }
        let housing = [
            "acceptable_areas", "excluded_areas", "neighbourhood", "visibility", "transport", "distance_work",
            "distance_school", "not_ground_floor", "security_chain", "peephole", "camera_doorbell", "own_measures",
            "assessed_by", "assessed_on",
        ]
        for name in housing + ["moves_so_far", "office_contacted", "securing_installed"] { table["housing.\(name)"] = ("CP CC RE HO", "CP") }
        for name in ["temporary_solution", "municipality"] { table["housing.\(name)"] = ("CP CC RE HO NAV", "CP") }
        for name in ["safe_home", "obtained_on", "housing_kind"] { table["result.\(name)"] = ("CP CC RE HO NAV", "CP") }
        // Task texts may touch on the threat: they stay with the centre and the resident.
        for name in ["what", "owner", "due", "done", "done_by"] { table["tasks[].\(name)"] = ("CP CC RE", "CP CC") }
        for name in ["kind", "responsible", "status", "documents", "viewings", "lease_review", "violence_priority", "ads_viewed",
                     "contacts_made", "viewings_attended", "deposit", "lease_explained"] {
            table["applications[].\(name)"] = ("CP RE HO NAV", "CP")
        }
        for name in ["income", "lease", "deposit"] { table["economy.\(name)"] = ("CP RE NAV", "CP") }
        for name in ["title", "kind", "size", "added", "content"] { table["documents[].\(name)"] = ("CP RE PO HO NAV", "CP") }
        for name in ["purpose", "recipient_role", "reference", "written", "given_on", "withdrawn_on", "valid_to"] {
            table["consents[].\(name)"] = ("CP L RE PO HO NAV", "CP")
        }
        for name in ["bundle", "recipient", "recipient_role", "date", "basis", "consent_ref", "purpose", "fields", "approved_by", "receipt",
                     "expires"] {
            table["disclosures[].\(name)"] = ("CP L RE", "CP")
        }
        table["disclosures[].receipt"] = ("CP L RE", "CP L")
        // A recipient's answer: who sent what is seen like a disclosure, its content like the part it answers.
        for name in ["answer", "bundle", "from", "from_role", "received", "kind"] { table["answers[].\(name)"] = ("CP L RE", "CP") }
        for name in ["summary", "assessment_tool", "assessment_level", "assessment_date", "offer_area", "offer_kind",
                     "offer_available_from", "offer_respond_by", "decision", "decision_date", "decision_amount", "decision_respond_by"] {
            table["answers[].\(name)"] = ("CP CC RE", "CP")
        }
        for name in ["type", "decided_on", "valid_from", "valid_to"] { table["answers[].measures[].\(name)"] = ("CP CC NS RE", "CP") }
        return table
    }()

    private static func roles(_ codes: String) -> Set<Role> {
        Set(codes.split(separator: " ").map { roleByCode[String($0)]! })
    }

    let policy = Policy.makeDefault()

    func testDefaultParses() throws {
        let parsed = try Policy(yaml: Policy.defaultYAML)
        XCTAssertEqual(parsed.formatVersion, 2)
        XCTAssertEqual(parsed.serial, 1)
        XCTAssertEqual(parsed.sourceBytes, Array(Policy.defaultYAML.utf8))
        XCTAssertEqual(parsed, policy)
    }

    func testExpectedTableCoversTheCatalogueExactly() {
        // A field added to the catalogue must be added here too, deliberately.
        XCTAssertEqual(Set(Self.expected.keys), Set(FieldCatalog.fields.map(\.pattern)))
    }

    func testFullMatrixMatchesExpectedTable() {
        for spec in FieldCatalog.fields {
            guard let row = Self.expected[spec.pattern] else { continue }
            let readers = Self.roles(row.read), writers = Self.roles(row.write)
            XCTAssertEqual(policy.readers(of: spec.pattern), readers, "readers of \(spec.pattern)")
            XCTAssertEqual(policy.writers(of: spec.pattern), writers, "writers of \(spec.pattern)")
            for role in Role.allCases {
                XCTAssertEqual(policy.canRead(role, field: spec.pattern).isAllowed, readers.contains(role),
                               "\(role.rawValue) read \(spec.pattern)")
                XCTAssertEqual(policy.canWrite(role, field: spec.pattern).isAllowed, writers.contains(role),
                               "\(role.rawValue) write \(spec.pattern)")
            }
        }
    }

    func testScopes() {
        XCTAssertEqual(policy.centreWide, [.nightShift, .leader])
        XCTAssertEqual(policy.caseAssigned, [.contactPerson, .childContact, .resident])
        XCTAssertEqual(policy.approvalRequired, [.police])
        XCTAssertEqual(policy.scope(of: .leader), .centreWide)
        XCTAssertEqual(policy.scope(of: .resident), .caseAssigned)
        XCTAssertEqual(policy.scope(of: .nav), CaseScope.none)
        XCTAssertEqual(policy.scope(of: .auditor), CaseScope.none)
    }

    // MARK: Data minimisation, stated as properties over the whole catalogue

    private func patterns(in sections: Set<String>) -> [String] {
        FieldCatalog.fields.filter { sections.contains($0.section) }.map(\.pattern)
    }

    func testNAVReadsNoThreatField() {
        let threatFields = patterns(in: ["threats"])
        XCTAssertEqual(threatFields.count, 19)
        for pattern in threatFields {
            XCTAssertFalse(policy.canRead(.nav, field: pattern).isAllowed, pattern)
        }
    }

    func testHousingOfficeReadsNoThreatAddressOrNote() {
        let forbidden = patterns(in: ["threats", "address", "notes"])
        XCTAssertTrue(forbidden.contains("threats[].perpetrators[].name"))
        for pattern in forbidden {
            XCTAssertFalse(policy.canRead(.housingOffice, field: pattern).isAllowed, pattern)
        }
        for pattern in FieldCatalog.fields.map(\.pattern) where pattern.hasPrefix("threats[].perpetrators[]") {
            XCTAssertFalse(policy.canRead(.housingOffice, field: pattern).isAllowed, pattern)
        }
        // What the housing office does get about the address: the protection flag only.
        XCTAssertEqual(policy.canRead(.housingOffice, field: "person.address_protection"), .allowed)
    }

    func testAuditorReadsAndWritesNothing() {
        XCTAssertEqual(policy.readablePatterns(for: .auditor), [])
        XCTAssertEqual(policy.writablePatterns(for: .auditor), [])
    }

    func testNightShiftReadsNoNarrativeOrNotes() {
        for pattern in ["threats[].narrative"] + patterns(in: ["notes"]) {
            XCTAssertFalse(policy.canRead(.nightShift, field: pattern).isAllowed, pattern)
        }
        // …but can leave a note for the day staff.
        XCTAssertEqual(policy.canWrite(.nightShift, field: "notes[0].text"), .allowed)
    }

    func testNightShiftReadsNoThreatFieldAtAll() {
        XCTAssertTrue(policy.readablePatterns(for: .nightShift).allSatisfy { !$0.hasPrefix("threats[]") })
    }

    func testExternalRolesWriteNothing() {
        for role in Role.allCases where role.isExternal {
            XCTAssertEqual(policy.writablePatterns(for: role), [], role.rawValue)
        }
    }

    func testOnlyContactPersonAndResidentReadTheCurrentAddress() {
        XCTAssertEqual(policy.readers(of: "address.current"), [.contactPerson, .resident])
    }

    func testContactPersonReadsTheWholeRecord() {
        XCTAssertEqual(policy.readablePatterns(for: .contactPerson), FieldCatalog.fields.map(\.pattern))
    }
}
