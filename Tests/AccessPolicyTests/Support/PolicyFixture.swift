@testable import AccessPolicy
import Foundation
import XCTest

/// Builds policy texts for refusal tests: a valid file by default, with one thing changed.
enum PolicyFixture {
    /// A rule every role set in the fixture may hold: only the contact person.
    static let plainRule = "{read: [contact-person], write: [contact-person]}"

    static func yaml(
        version: String = "1",
        serial: String = "1",
        centreWide: String = "[night-shift, leader]",
        caseAssigned: String = "[contact-person, child-contact, resident]",
        approvalRequired: String = "[police]",
        extraTopLevel: String = "",
        rules: [String: String] = [:],
        omitting omitted: Set<String> = [],
        extraFields: String = ""
    ) -> String {
        var lines = [
            "casevault-policy: \(version)",
            "serial: \(serial)",
            "centre-wide: \(centreWide)",
            "case-assigned: \(caseAssigned)",
            "approval-required: \(approvalRequired)",
        ]
        if !extraTopLevel.isEmpty { lines.append(extraTopLevel) }
        lines.append("fields:")
        for spec in FieldCatalog.fields where !omitted.contains(spec.pattern) {
            lines.append("  \(spec.pattern): \(rules[spec.pattern] ?? plainRule)")
        }
        if !extraFields.isEmpty { lines.append("  " + extraFields) }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Asserts that the text is refused with exactly `expected`, reported on one line.
func assertRefused(
    _ yaml: String, _ expected: PolicyError, file: StaticString = #filePath, line: UInt = #line
) {
    assertRefused(bytes: Array(yaml.utf8), expected, file: file, line: line)
}

func assertRefused(
    bytes: [UInt8], _ expected: PolicyError, file: StaticString = #filePath, line: UInt = #line
) {
    do {
        let policy = try Policy(bytes: bytes)
        XCTFail("accepted a policy that should be refused (serial \(policy.serial))", file: file, line: line)
    } catch {
        XCTAssertEqual(error, expected, file: file, line: line)
        XCTAssertTrue(error.description.hasPrefix("policy: "), error.description, file: file, line: line)
        XCTAssertFalse(error.description.contains("\n"), "error spans lines: \(error.description)", file: file, line: line)
    }
}
