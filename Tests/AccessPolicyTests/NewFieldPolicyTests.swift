@testable import AccessPolicy
import XCTest

/// Fields added to the catalogue after policies were signed: an older policy without them still
/// parses and keeps them closed; every other field still needs its rule.
final class NewFieldPolicyTests: XCTestCase {
    func testAnOlderPolicyWithoutTheNewFieldsParsesAndKeepsThemClosed() throws {
        let policy = try Policy(yaml: PolicyFixture.yaml(omitting: FieldCatalog.closedUnlessRuled))
        for pattern in FieldCatalog.closedUnlessRuled {
            XCTAssertEqual(policy.readers(of: pattern), [], pattern)
            XCTAssertEqual(policy.writers(of: pattern), [], pattern)
        }
        XCTAssertEqual(policy.readers(of: "address.new"), [.contactPerson])
    }

    func testTheNewFieldsAreInTheCatalogueAndRuledByTheDefaultPolicy() {
        let patterns = Set(FieldCatalog.fields.map(\.pattern))
        XCTAssertTrue(FieldCatalog.closedUnlessRuled.isSubset(of: patterns))
        let policy = Policy.makeDefault()
        for pattern in FieldCatalog.closedUnlessRuled { XCTAssertFalse(policy.readers(of: pattern).isEmpty, pattern) }
        // Never threat content for NAV and the housing office: tasks are the centre's.
        XCTAssertFalse(policy.readers(of: "tasks[].what").contains(.nav))
        XCTAssertFalse(policy.readers(of: "tasks[].what").contains(.housingOffice))
    }

    func testAnOldFieldStillNeedsItsRule() {
        assertRefused(PolicyFixture.yaml(omitting: FieldCatalog.closedUnlessRuled.union(["address.new"])), .missingRule(field: "address.new"))
    }
}
