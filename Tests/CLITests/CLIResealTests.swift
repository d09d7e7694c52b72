import XCTest

/// `case reseal` through the built binary: a new version for what the member reads, values
/// unchanged; someone outside the case is told it does not exist.
final class CLIResealTests: XCTestCase {
    func testResealWritesAVersionAndKeepsTheValues() throws {
        let v = try CLIVault()
        let id = try v.newCase("person: {alias: Blåklokke, gender: female}\ncase: {status: open, type: resident, opened: 2026-11-20}")
        let r = try v.run(as: "nils", ["case", "reseal", id])
        r.assertSuccess("night shift re-seals what it reads")
        XCTAssertTrue(r.stdout.contains("Re-sealed case \(id) as version 2"), r.stdout)
        let shown = try v.showJSON(id, as: "kari")
        XCTAssertEqual(shown["version"] as? Int, 2)
        XCTAssertEqual((shown["fields"] as? [String: Any])?["person.alias"] as? String, "Blåklokke")
        XCTAssertEqual((shown["fields"] as? [String: Any])?["person.gender"] as? String, "female")
        try v.run(as: "anne", ["case", "reseal", id]).assertError(66, "the auditor outside the case")
    }
}
