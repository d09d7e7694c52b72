import CaseVaultSamples
import Foundation
import GRDB
import XCTest

/// The built binary: a substitute assigned by the leader is shown as pending in `case list`
/// and reads the full record once the case's contact person has run any command.
final class GrantCLITests: XCTestCase {
    func testLeaderAssignedSubstituteIsPendingUntilTheContactPersonRunsACommand() throws {
        let v = try CLIVault()
        let id = try v.newCase(SampleCase.yaml)
        let assign = try v.run(as: "lina", ["case", "assign", id, "--member", "karl", "--as", "contact-person"])
        assign.assertSuccess("leader assigns karl")
        XCTAssertTrue(assign.stderr.contains("wait for a grant"), assign.stderr)

        let list = try v.run(as: "lina", ["case", "list", "--json"])
        list.assertSuccess("case list --json")
        let row = try XCTUnwrap((list.json as? [[String: Any]])?.first)
        let pending = try XCTUnwrap(row["pending"] as? [[String: Any]])
        XCTAssertEqual(pending.map { $0["member"] as? String }, ["karl"])
        let classes = try XCTUnwrap(pending.first?["classes"] as? Int)
        XCTAssertGreaterThan(classes, 0)
        let text = try v.run(as: "lina", ["case", "list"])
        XCTAssertTrue(text.stdout.contains("pending: karl (\(classes) class"), text.stdout)

        XCTAssertFalse(try XCTUnwrap(v.showJSON(id, as: "karl")["sealed_fields"] as? [String]).isEmpty)
        let waiting = try v.run(as: "karl", ["case", "show", id])
        XCTAssertTrue(waiting.stdout.contains("waiting for a grant: \(classes) "), waiting.stdout)

        // Any command of the contact person's client completes the grants: here a listing.
        try v.run(as: "kari", ["case", "list"]).assertSuccess("kari lists her cases")
        let karl = try v.showJSON(id, as: "karl")
        let kari = try v.showJSON(id, as: "kari")
        XCTAssertEqual(karl["sealed_fields"] as? [String], [])
        XCTAssertEqual((karl["fields"] as? [String: Any])?.keys.sorted(), (kari["fields"] as? [String: Any])?.keys.sorted())
        let after = try XCTUnwrap((try v.run(as: "lina", ["case", "list", "--json"]).json as? [[String: Any]])?.first)
        XCTAssertNil(after["pending"], "no member waits any more")

        // A grant row changed in the database is ignored and reported in one warning line.
        let db = try DatabaseQueue(path: v.vault + "/vault.sqlite")
        try db.write { try $0.execute(sql: "UPDATE case_grants SET basis = 'holder2' WHERE recipient = 'karl'") }
        let shown = try v.run(as: "karl", ["case", "show", id])
        shown.assertSuccess("karl reads what is still his")
        let warnings = shown.stderr.split(separator: "\n").filter { $0.hasPrefix("casevault: warning: ") }
        XCTAssertEqual(warnings.count, 1, shown.stderr)
        XCTAssertTrue(warnings.first?.contains("refused as tampered") ?? false, shown.stderr)
    }
}
