import CaseVaultCore
import CaseVaultSamples
import Foundation
import XCTest

/// Dates people type and read are Oslo dates, at 00:40 Oslo time (still yesterday in UTC) and
/// on both summer-time change days: the bundle's expiry as the police read it, the case's
/// `disclosures[]` dates, `tasks`, and `audit log --since`.
final class OsloTimeCLITests: XCTestCase {
    override func setUp() { setenv("CASEVAULT_TEST_INSECURE_KDF", "1", 1) }

    /// (centre's clock, its Oslo date, default expiry date, that expiry's last second in UTC)
    static let nights: [(time: String, oslo: String, expiry: String, expiryUTC: String)] = [
        ("2026-12-06T23:40:00Z", "2026-12-07", "2027-01-06", "2027-01-06T22:59:59Z"),
        ("2026-10-24T22:30:00Z", "2026-10-25", "2026-11-24", "2026-11-24T22:59:59Z"),
        ("2027-03-27T23:30:00Z", "2027-03-28", "2027-04-27", "2027-04-27T21:59:59Z"),
        ("2027-10-30T22:30:00Z", "2027-10-31", "2027-11-30", "2027-11-30T22:59:59Z"),
    ]

    func testDatesAreOsloDatesAfterMidnightAndOnSummerTimeChangeDays() throws {
        for night in Self.nights {
            let v = try CLIVault(members: [("kari", "contact-person")], environment: ["CASEVAULT_TEST_TIME": night.time])
            defer { v.cli.cleanUp() }
            let police = try v.cli.newIdentity(out: "politi.key", passphraseFile: "pass")
            try v.cli.ok(["recipient", "add", "--vault", v.vault, "--identity", v.keyPath("lina"), "--passphrase-file", v.passFile,
                          "--id", "politi-ost", "--name", "Øst politidistrikt", "--role", "police",
                          "--public-key", police.publicIdentity, "--fingerprint", police.fingerprint])
            // The police consent renewed to 2028, so the autumn-2027 night may still send.
            let caseID = try v.newCase(SampleCase.asOfOctober2026.replacing("valid_to: 2027-10-09", with: "valid_to: 2028-10-09"))
            let purpose = try v.cli.write("purpose.txt", "Sikkerhetstiltak ved ny bolig")
            let consent = try v.cli.write("consent.txt", "SAM-2026-014")
            func send(_ out: String, _ extra: [String]) throws {
                try v.run(as: "kari", ["handover", "create", "--case", caseID, "--to", "politi-ost", "--purpose-file", purpose, "--basis", "consent",
                                       "--consent-file", consent, "--approver-identity", v.keyPath("lina"),
                                       "--approver-passphrase-file", v.passFile, "--out", v.cli.path(out)] + extra)
                    .assertSuccess("handover create at \(night.time)")
            }
            try send("asked.cvb", ["--expires", "2099-01-15"])
            try send("default.cvb", [])

            // The police read the expiry as the end of the Oslo day (force: the test must not depend on today's date).
            func open(_ file: String) throws -> CLI.Result {
                try v.cli.run(["handover", "open", v.cli.path(file), "--identity", v.cli.path("politi.key"), "--passphrase-file", v.passFile,
                               "--trust", v.rootFingerprint, "--force-expired"])
            }
            let asked = try open("asked.cvb")
            asked.assertSuccess("open")
            XCTAssertTrue(asked.stdout.contains("utløper 15.01.2099 kl. 23:59"), asked.stdout)
            let byDefault = try open("default.cvb")
            let day = CalendarDate(night.expiry)!.norwegianText
            XCTAssertTrue(byDefault.stdout.contains("utløper \(day) kl. 23:59"), byDefault.stdout)

            // The case names the same days.
            let fields = try XCTUnwrap(try v.showJSON(caseID, as: "kari")["fields"] as? [String: Any])
            XCTAssertEqual(fields["disclosures[0].date"] as? String, night.oslo, night.time)
            XCTAssertEqual(fields["disclosures[0].expires"] as? String, "2099-01-15", night.time)
            XCTAssertEqual(fields["disclosures[1].expires"] as? String, night.expiry, night.time)
            let tasks = try v.run(as: "kari", ["tasks", "--days", "400", "--json"])
            tasks.assertSuccess("tasks")
            let due = try XCTUnwrap(tasks.json as? [[String: Any]]).filter { $0["field"] as? String == "disclosures[1].expires" }
            XCTAssertEqual(due.map { $0["due"] as? String }, [night.expiry], "tasks and the bundle name the same expiry day at \(night.time)")
            let opened = try v.cli.run(["handover", "open", v.cli.path("default.cvb"), "--identity", v.cli.path("politi.key"),
                                        "--passphrase-file", v.passFile, "--trust", v.rootFingerprint, "--force-expired", "--json"])
            XCTAssertEqual((opened.json as? [String: Any])?["expires"] as? String, night.expiryUTC, "--json keeps UTC")

            // `--since` an Oslo date starts at that date's Oslo midnight; `--until` the day before ends there.
            let since = try v.run(as: "lina", ["audit", "log", "--since", night.oslo, "--json"])
            since.assertSuccess("audit log --since")
            XCTAssertTrue(try XCTUnwrap(since.json as? [[String: Any]]).contains { $0["action"] as? String == "handover.create" }, night.time)
            let before = CalendarDate(night.oslo)!.adding(days: -1).description
            let until = try v.run(as: "lina", ["audit", "log", "--until", before, "--json"])
            until.assertSuccess("audit log --until")
            XCTAssertEqual(try XCTUnwrap(until.json as? [[String: Any]]).count, 0, "nothing happened before \(night.oslo) in Oslo")
            // The log's text output shows each entry's time in Oslo time; --json keeps UTC.
            let text = try v.run(as: "lina", ["audit", "log", "--action", "handover.create"])
            text.assertSuccess("audit log")
            let clock = Timestamp(rfc3339: night.time)!.osloText
            XCTAssertTrue(text.stdout.contains("  \(clock)  "), "\(clock) in\n\(text.stdout)")
            XCTAssertFalse(text.stdout.contains(night.time), text.stdout)
        }
    }

    /// `unlock` and `status` say when the agent locks in Oslo time; `--json` keeps UTC.
    func testUnlockAndStatusShowOsloTime() throws {
        let v = try CLIVault(members: [("kari", "contact-person")])
        defer { v.cli.cleanUp() }
        let runtime = v.cli.path("run")
        try FileManager.default.createDirectory(atPath: runtime, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        v.cli.environment["XDG_RUNTIME_DIR"] = runtime
        defer { _ = try? v.cli.run(["lock"]) }
        let unlocked = try v.cli.run(["unlock", "--identity", v.keyPath("kari"), "--passphrase-file", v.passFile])
        unlocked.assertSuccess("unlock")
        let oslo = try NSRegularExpression(pattern: "Locks at \\d\\d\\.\\d\\d\\.\\d{4} kl\\. \\d\\d:\\d\\d unless used .*, at \\d\\d\\.\\d\\d\\.\\d{4} kl\\. \\d\\d:\\d\\d at the latest")
        for r in [unlocked, try v.cli.run(["status"])] {
            XCTAssertNotNil(oslo.firstMatch(in: r.stdout, range: NSRange(r.stdout.startIndex..., in: r.stdout)), r.stdout)
            XCTAssertFalse(r.stdout.contains("Z unless used"), r.stdout)
        }
        let json = try XCTUnwrap(try v.cli.run(["status", "--json"]).json as? [String: Any])
        XCTAssertNotNil(Timestamp(rfc3339: json["idle_lock_at"] as? String ?? ""), "JSON keeps RFC 3339 UTC")
    }
}
