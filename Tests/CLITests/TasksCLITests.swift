import Foundation
import XCTest

/// `casevault tasks`: what is due across my cases, overdue first, as text or `--json`.
final class TasksCLITests: XCTestCase {
    func testRenewalTomorrowReviewOverdueAndANAVTask() throws {
        setenv("CASEVAULT_TEST_INSECURE_KDF", "1", 1)
        let v = try CLIVault()
        let record = """
            case: {type: resident, opened: 2026-09-01}
            person: {alias: Hegg, gender: female}
            measures: [{type: mobile-violence-alarm, valid_from: 2026-09-03, valid_to: 2027-02-01, renewal_due: 2026-12-03}]
            threats: [{subject: adult, next_review: 2026-11-20}]
            tasks: [{what: Vedtak om depositumsgaranti, owner: nav, due: 2026-12-20}]
            """
        let created = try v.run(as: "kari", ["case", "new", "-", "--json"], stdin: record)
        XCTAssertEqual(created.status, 0, created.stderr)

        let json = try v.run(as: "kari", ["tasks", "--today", "2026-12-02", "--days", "30", "--json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let items = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(items.map { $0["kind"] as? String }, ["threat-review", "measure-renewal", "task"])
        XCTAssertEqual(items.map { $0["due"] as? String }, ["2026-11-20", "2026-12-03", "2026-12-20"], "canonical dates in JSON")
        XCTAssertEqual(items.map { $0["overdue"] as? Bool }, [true, false, false])
        XCTAssertEqual(items[2]["owner"] as? String, "nav")

        let text = try v.run(as: "kari", ["tasks", "--today", "2026-12-02", "--days", "30"])
        XCTAssertEqual(text.status, 0, text.stderr)
        let lines = text.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 3, text.stdout)
        XCTAssertTrue(lines[0].hasPrefix("20.11.2026  FORFALT 12 d"), lines[0])
        XCTAssertTrue(lines[1].contains("Forny mobil voldsalarm"), lines[1])
        XCTAssertTrue(lines[2].contains("[NAV]"), lines[2])

        let shown = try v.run(as: "kari", ["case", "show", try XCTUnwrap(created.stdout.split(separator: "\"").first { $0.count == 20 }.map(String.init))])
        XCTAssertTrue(shown.stdout.contains("kjønn: kvinne"), shown.stdout)
        XCTAssertTrue(shown.stdout.contains("tiltak: mobil voldsalarm"), shown.stdout)
        XCTAssertTrue(shown.stdout.contains("fornyes innen: 03.12.2026"), shown.stdout)

        let bad = try v.run(as: "kari", ["tasks", "--today", "2026-13-01"])
        XCTAssertEqual(bad.status, 65)
        XCTAssertTrue(bad.stderr.hasPrefix("casevault: error: --today"), bad.stderr)
    }
}
