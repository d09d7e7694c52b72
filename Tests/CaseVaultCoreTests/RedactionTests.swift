@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import XCTest

/// Printing a case's values, by accident in a log line or an error, shows their shape only.
final class RedactionTests: XCTestCase {
    func testCaseValuesNeverAppearInDescriptions() throws {
        let t = try TestVault()
        let canary = "KANARI-\(UUID().uuidString)"
        let id = try t.session("kari").createCase(recordText: "case: {type: resident, opened: 2026-11-20}\nperson: {alias: \(canary), legal_name: \(canary)}\nsafety: {do_not_admit: [\(canary)]}\n")
        let opened = try t.session("kari").showCase(id)
        XCTAssertEqual(opened.fields["person.alias"], .text(canary), "the value itself is there")
        let printed = [
            "\(opened)", String(reflecting: opened), "\(opened.fields)", String(reflecting: opened.fields), "\(opened.record)",
            "\(opened.fields["safety.do_not_admit"]!)", "\(try t.session("kari").listCases())",
        ]
        for text in printed { XCTAssertFalse(text.contains(canary), text) }
    }
}
