@testable import AccessPolicy
import Foundation
import XCTest

/// Every refusal rule of docs/FORMAT.md ("Refusal rules"), one test each.
final class PolicyParserTests: XCTestCase {
    func testFixtureIsValid() throws {
        // Guards the refusal tests: each must fail for its own change, not for a broken base.
        let policy = try Policy(yaml: PolicyFixture.yaml())
        XCTAssertEqual(policy.serial, 1)
        XCTAssertNil(policy.descriptionText)
    }

    // MARK: Version and serial

    func testRefusesOtherFormatVersion() {
        assertRefused(PolicyFixture.yaml(version: "3"), .unsupportedVersion("3"))
        XCTAssertEqual(PolicyError.unsupportedVersion("3").description, "policy: unsupported format version 3")
        assertRefused(PolicyFixture.yaml(version: "0"), .unsupportedVersion("0"))
    }

    func testVersionIsCheckedBeforeKeys() {
        // A file from a newer format should be reported as such, not as a list of unknown keys.
        let text = PolicyFixture.yaml(version: "3", extraTopLevel: "recipients: [someone]")
        assertRefused(text, .unsupportedVersion("3"))
    }

    func testRefusesNonIntegerVersion() {
        for version in ["\"1\"", "1.0", "0x1", "01", "one", "[1]"] {
            assertRefused(PolicyFixture.yaml(version: version), .wrongType(key: "casevault-policy", expected: "an integer"))
        }
    }

    func testRefusesMissingVersion() {
        let text = PolicyFixture.yaml().replacingOccurrences(of: "casevault-policy: 1\n", with: "")
        assertRefused(text, .missingKey("casevault-policy", within: nil))
    }

    func testRefusesNonPositiveOrMalformedSerial() {
        for serial in ["0", "-1", "1.5", "\"3\"", "007", "99999999999999999999999"] {
            let shown = serial.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            assertRefused(PolicyFixture.yaml(serial: serial), .invalidSerial(shown))
        }
    }

    func testRefusesMissingSerial() {
        let text = PolicyFixture.yaml().replacingOccurrences(of: "serial: 1\n", with: "")
        assertRefused(text, .missingKey("serial", within: nil))
    }

    // MARK: Keys

    func testRefusesUnknownTopLevelKey() {
        let text = PolicyFixture.yaml().replacingOccurrences(of: "\nfields:", with: "\nfeilds:")
        assertRefused(text, .unknownKey("feilds", within: nil))
        XCTAssertEqual(PolicyError.unknownKey("feilds", within: nil).description, "policy: unknown key \"feilds\"")
    }

    func testRefusesMissingTopLevelLists() {
        for key in ["centre-wide", "case-assigned", "approval-required"] {
            let text = PolicyFixture.yaml().split(separator: "\n").filter { !$0.hasPrefix(key + ":") }.joined(separator: "\n")
            assertRefused(text, .missingKey(key, within: nil))
        }
        assertRefused("casevault-policy: 1\nserial: 1\ncentre-wide: []\ncase-assigned: []\napproval-required: []\n",
                      .missingKey("fields", within: nil))
    }

    func testRefusesUnknownKeyInRule() {
        let text = PolicyFixture.yaml(rules: ["case.type": "{reed: [contact-person], write: [contact-person]}"])
        assertRefused(text, .unknownKey("reed", within: "fields.case.type"))
    }

    func testRefusesRuleWithoutReadOrWrite() {
        // No implicit defaults, not even an empty list.
        assertRefused(PolicyFixture.yaml(rules: ["case.type": "{write: [contact-person]}"]),
                      .missingKey("read", within: "fields.case.type"))
        assertRefused(PolicyFixture.yaml(rules: ["case.type": "{read: [contact-person]}"]),
                      .missingKey("write", within: "fields.case.type"))
    }

    func testAcceptsDescriptionAndRefusesNonTextDescription() throws {
        let policy = try Policy(yaml: PolicyFixture.yaml(extraTopLevel: "description: \"first revision\""))
        XCTAssertEqual(policy.descriptionText, "first revision")
        assertRefused(PolicyFixture.yaml(extraTopLevel: "description: [a, b]"), .wrongType(key: "description", expected: "text"))
    }

    // MARK: Fields

    func testRefusesUnknownField() {
        let text = PolicyFixture.yaml(extraFields: "person.shoe_size: \(PolicyFixture.plainRule)")
        assertRefused(text, .unknownField("person.shoe_size"))
        XCTAssertEqual(PolicyError.unknownField("person.shoe_size").description, "policy: unknown field \"person.shoe_size\"")
    }

    func testRefusesConcretePathAsField() {
        // Rules are per pattern; an index would silently leave the other children unruled.
        let text = PolicyFixture.yaml(extraFields: "children[0].name: \(PolicyFixture.plainRule)")
        assertRefused(text, .unknownField("children[0].name"))
    }

    func testRefusesMissingField() {
        assertRefused(PolicyFixture.yaml(omitting: ["address.new"]), .missingRule(field: "address.new"))
        XCTAssertEqual(PolicyError.missingRule(field: "address.new").description, "policy: field \"address.new\" has no rule")
    }

    func testRefusesEmptyFields() {
        let text = "casevault-policy: 1\nserial: 1\ncentre-wide: []\ncase-assigned: []\napproval-required: []\nfields: {}\n"
        assertRefused(text, .missingRule(field: FieldCatalog.fields[0].pattern))
    }

    // MARK: Roles

    func testRefusesUnknownRoleInField() {
        let text = PolicyFixture.yaml(rules: ["person.alias": "{read: [contact-person, janitor], write: [contact-person]}"])
        assertRefused(text, .unknownRole("janitor", at: "fields.person.alias.read"))
        XCTAssertEqual(PolicyError.unknownRole("janitor", at: "fields.person.alias.read").description,
                       "policy: unknown role \"janitor\" in fields.person.alias.read")
    }

    func testRoleNamesAreCaseSensitive() {
        assertRefused(PolicyFixture.yaml(centreWide: "[night-shift, Leader]"), .unknownRole("Leader", at: "centre-wide"))
    }

    func testRefusesUnknownRoleInScopes() {
        assertRefused(PolicyFixture.yaml(caseAssigned: "[contact-person, social-worker]"),
                      .unknownRole("social-worker", at: "case-assigned"))
        assertRefused(PolicyFixture.yaml(approvalRequired: "[polis]"), .unknownRole("polis", at: "approval-required"))
    }

    func testRefusesRepeatedRole() {
        let text = PolicyFixture.yaml(rules: ["case.type": "{read: [contact-person, contact-person], write: []}"])
        assertRefused(text, .duplicateRole(.contactPerson, at: "fields.case.type.read"))
    }

    func testRefusesRoleBothCentreWideAndCaseAssigned() {
        let text = PolicyFixture.yaml(centreWide: "[night-shift, leader]", caseAssigned: "[contact-person, leader]")
        assertRefused(text, .roleInBothScopes(.leader))
    }

    func testRefusesExternalRoleInCentreWide() {
        assertRefused(PolicyFixture.yaml(centreWide: "[night-shift, police]"),
                      .externalRoleInScope(.police, scope: "centre-wide"))
    }

    func testRefusesExternalRoleInCaseAssigned() {
        for role in [Role.housingOffice, .nav, .police] {
            assertRefused(PolicyFixture.yaml(caseAssigned: "[contact-person, \(role.rawValue)]"),
                          .externalRoleInScope(role, scope: "case-assigned"))
        }
    }

    func testRefusesExternalRoleWithWrite() {
        for role in [Role.housingOffice, .nav, .police] {
            let text = PolicyFixture.yaml(rules: ["housing.transport": "{read: [contact-person], write: [contact-person, \(role.rawValue)]}"])
            assertRefused(text, .externalRoleWrites(role, field: "housing.transport"))
        }
    }

    func testAcceptsExternalRoleWithRead() throws {
        let policy = try Policy(yaml: PolicyFixture.yaml(rules: ["economy.income": "{read: [contact-person, nav], write: [contact-person]}"]))
        XCTAssertEqual(policy.canRead(.nav, field: "economy.income"), .allowed)
    }

    func testRefusesAuditorReadingContent() {
        let text = PolicyFixture.yaml(rules: ["case.status": "{read: [contact-person, auditor], write: [contact-person]}"])
        assertRefused(text, .auditorGrantedContent(field: "case.status", access: "read"))
    }

    func testRefusesAuditorWritingContent() {
        let text = PolicyFixture.yaml(rules: ["notes[].text": "{read: [contact-person], write: [contact-person, auditor]}"])
        assertRefused(text, .auditorGrantedContent(field: "notes[].text", access: "write"))
    }

    func testRefusesApprovalForInternalRole() {
        assertRefused(PolicyFixture.yaml(approvalRequired: "[police, leader]"), .approvalForInternalRole(.leader))
    }

    // MARK: YAML shape

    func testRefusesMalformedYAML() {
        for text in ["casevault-policy: 1\nfields: [unclosed\n", "casevault-policy: 1\n\tserial: 1\n", "a: b: c\n"] {
            do {
                _ = try Policy(yaml: text)
                XCTFail("accepted malformed YAML")
            } catch {
                guard case .malformedYAML = error else { return XCTFail("wrong error: \(error)") }
                XCTAssertTrue(error.description.hasPrefix("policy: malformed YAML: "), error.description)
                XCTAssertFalse(error.description.contains("\n"), error.description)
            }
        }
    }

    func testRefusesSecondDocument() {
        do {
            _ = try Policy(yaml: PolicyFixture.yaml() + "---\nserial: 2\n")
            XCTFail("accepted two documents")
        } catch {
            guard case .malformedYAML = error else { return XCTFail("wrong error: \(error)") }
        }
    }

    func testRefusesDuplicateTopLevelKey() {
        let text = PolicyFixture.yaml().replacingOccurrences(of: "serial: 1\n", with: "serial: 1\nserial: 2\n")
        assertRefused(text, .duplicateKey("serial", line: 2))
    }

    func testRefusesDuplicateField() {
        let text = PolicyFixture.yaml(extraFields: "case.type: \(PolicyFixture.plainRule)")
        guard case .duplicateKey("case.type", _) = refusal(text) else { return XCTFail("\(String(describing: refusal(text)))") }
    }

    func testRefusesDuplicateSpeltDifferently() {
        // One plain, one quoted: the same key to a reader, so the same key to us.
        let text = PolicyFixture.yaml(extraFields: "\"case.type\": \(PolicyFixture.plainRule)")
        guard case .duplicateKey("case.type", _) = refusal(text) else { return XCTFail("\(String(describing: refusal(text)))") }
    }

    func testRefusesDuplicateKeyInRule() {
        let text = PolicyFixture.yaml(rules: ["case.type": "{read: [contact-person], read: [leader], write: []}"])
        guard case .duplicateKey("read", _) = refusal(text) else { return XCTFail("\(String(describing: refusal(text)))") }
    }

    func testRefusesWrongTypes() {
        assertRefused("- casevault-policy\n", .notAMapping)
        assertRefused("", .notAMapping)
        assertRefused("# only a comment\n", .notAMapping)
        assertRefused(PolicyFixture.yaml(centreWide: "night-shift"), .wrongType(key: "centre-wide", expected: "a list of roles"))
        assertRefused(PolicyFixture.yaml(approvalRequired: "[[police]]"), .wrongType(key: "approval-required", expected: "a list of roles"))
        assertRefused(PolicyFixture.yaml(rules: ["case.type": "{read: contact-person, write: []}"]),
                      .wrongType(key: "fields.case.type.read", expected: "a list of roles"))
        assertRefused(PolicyFixture.yaml(rules: ["case.type": "[contact-person]"]),
                      .wrongType(key: "fields.case.type", expected: "a mapping with read and write"))
        assertRefused(PolicyFixture.yaml(rules: ["case.type": "{read: ~, write: []}"]),
                      .wrongType(key: "fields.case.type.read", expected: "a list of roles"))
        let fieldsAsList = "casevault-policy: 1\nserial: 1\ncentre-wide: []\ncase-assigned: []\napproval-required: []\nfields: [case.type]\n"
        assertRefused(fieldsAsList, .wrongType(key: "fields", expected: "a mapping from field patterns to rules"))
    }

    func testRefusesAnchorsAndAliases() {
        let text = PolicyFixture.yaml(rules: [
            "case.type": "{read: &staff [contact-person], write: []}",
            "case.phase": "{read: *staff, write: []}",
        ])
        guard case .anchorOrAlias = refusal(text) else { return XCTFail("\(String(describing: refusal(text)))") }
    }

    func testRefusesMergeKey() {
        let text = PolicyFixture.yaml(rules: ["case.type": "{<<: {read: []}, write: []}"])
        assertRefused(text, .unknownKey("<<", within: "fields.case.type"))
    }

    func testRefusesInvalidUTF8() {
        var bytes = Array(PolicyFixture.yaml().utf8)
        bytes.insert(0xFF, at: 3)
        assertRefused(bytes: bytes, .notUTF8)
    }

    func testErrorsStayOnOneLine() {
        // A key may hold a newline; the message must not.
        let text = PolicyFixture.yaml(extraFields: "\"evil\\nkey\": \(PolicyFixture.plainRule)")
        assertRefused(text, .unknownField("evil\nkey"))
        XCTAssertEqual(PolicyError.unknownField("evil\nkey").description, "policy: unknown field \"evil\\u{a}key\"")
    }

    // MARK: Source text

    func testKeepsExactSourceBytes() throws {
        // Comments, blank lines and non-ASCII text survive unchanged: the core signs these bytes.
        let text = "# politiet – merknad\n\n" + PolicyFixture.yaml()
        let bytes = Array(text.utf8)
        let policy = try Policy(bytes: bytes)
        XCTAssertEqual(policy.sourceBytes, bytes)
        XCTAssertEqual(policy.sourceText, text)
    }

    func testRefusesACarriageReturn() {
        // A CR lets a terminal print one line over another; LF only, as in every CaseVault text.
        assertRefused(PolicyFixture.yaml().replacingOccurrences(of: "\n", with: "\r\n"), .carriageReturn)
        assertRefused("# note\r" + PolicyFixture.yaml(), .carriageReturn)
    }

    private func refusal(_ text: String) -> PolicyError? {
        do {
            _ = try Policy(yaml: text)
            return nil
        } catch {
            XCTAssertFalse(error.description.contains("\n"), error.description)
            return error
        }
    }
}
