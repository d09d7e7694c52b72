import XCTest

// Through the built binary: a night-shift member added after the cases exist reads their
// night-shift fields at once, and no case is rewritten for it.
final class RoleKeyCLITests: XCTestCase {
    func testNightShiftAddedAfterCasesReadsThem() throws {
        let v = try CLIVault()
        let record = "case: {type: resident, opened: 2026-11-20}\nperson: {alias: Blåklokke}\nsafety: {do_not_admit: [Ola Fiktiv]}\n"
        let ids = try (0..<3).map { _ in try v.newCase(record) }
        let versions = try v.count("case_versions")
        try v.newIdentity("vera")
        try v.addMember("vera", roles: ["night-shift"]).assertSuccess("member add vera")
        try v.pin("vera")
        XCTAssertEqual(try v.count("case_versions"), versions, "adding a member rewrote cases")
        for id in ids {
            let fields = try XCTUnwrap(try v.showJSON(id, as: "vera")["fields"] as? [String: Any])
            XCTAssertEqual(fields["person.alias"] as? String, "Blåklokke")
            XCTAssertEqual(fields["safety.do_not_admit"] as? [String], ["Ola Fiktiv"])
        }
    }
}
