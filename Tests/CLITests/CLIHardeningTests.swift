import Foundation
import XCTest

/// Secrets on the side: free text never on the command line, no core dumps, and nothing from
/// input that can drive the terminal.
final class CLIHardeningTests: XCTestCase {
    /// Other users read every process's arguments in /proc/PID/cmdline, so the old free-text
    /// options are refused, without repeating the text, and nothing is changed.
    func testFreeTextIsNeverTakenFromArguments() throws {
        let v = try CLIVault(members: [("kari", "contact-person")])
        let id = try v.newCase("case: {type: resident, opened: 2026-11-20}\nperson: {alias: Blåklokke}")
        let before = try v.contentDigest()
        let secret = "hemmelig-grunn-\(UUID().uuidString.prefix(8))"
        for (args, use) in [(["case", "show", id, "--reason", secret], "--reason-file"),
                            (["case", "update", id, "-", "--reason", secret], "--reason-file"),
                            (["case", "new", "-", "--reason=\(secret)"], "--reason-file"),
                            (["handover", "create", "--case", id, "--to", "politi", "--purpose", secret, "--basis", "avvergeplikt", "--out", "b.cvb"], "--purpose-file"),
                            (["handover", "create", "--case", id, "--to", "politi", "--purpose-file", "p", "--basis", "consent", "--consent", secret,
                              "--out", "b.cvb"], "--consent-file")] {
            let r = try v.run(as: "kari", args, stdin: "set: {case.status: closed}\n")
            r.assertError(64, args.joined(separator: " "), mentioning: use)
            XCTAssertFalse(r.stderr.contains(secret), r.stderr)
        }
        XCTAssertEqual(try v.contentDigest(), before)
        XCTAssertFalse(FileManager.default.fileExists(atPath: v.cli.path("b.cvb")))
        for command in [["case", "show"], ["case", "new"], ["case", "update"], ["handover", "create"]] {
            let help = try v.cli.run(command + ["--help"]).stdout
            XCTAssertNil(help.range(of: #"--(reason|purpose|consent) "#, options: .regularExpression), "\(command): \(help)")
        }
    }

    func testFreeTextFromAFileOrStandardInput() throws {
        let v = try CLIVault(members: [("kari", "contact-person")])
        let id = try v.newCase("case: {type: resident, opened: 2026-11-20}\nperson: {alias: Blåklokke}")
        let reason = try v.cli.write("grunn.txt", "Oppfølging etter samtale\n")
        let before = try v.count("log_reasons")
        try v.run(as: "kari", ["case", "show", id, "--reason-file", reason]).assertSuccess("reason from a file")
        try v.run(as: "kari", ["case", "show", id, "--reason-file", "-"], stdin: "Fra stdin\n").assertSuccess("reason from stdin")
        XCTAssertEqual(try v.count("log_reasons"), before + 2, "both reasons are stored (sealed)")
        try v.run(as: "kari", ["case", "update", id, "-", "--reason-file", "-"], stdin: "x").assertError(64, "two inputs on stdin")
        let empty = try v.cli.write("tom.txt", "\n")
        try v.run(as: "kari", ["case", "show", id, "--reason-file", empty]).assertError(65, "empty reason")
    }

    /// Read while the process waits on stdin: no core file may be written for it.
    func testCoreDumpsAreOff() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let p = Process()
        p.executableURL = CLI.binary
        p.arguments = ["policy", "check", "-"]
        p.environment = cli.environment
        let input = Pipe()
        p.standardInput = input
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { try? input.fileHandleForWriting.close(); p.waitUntilExit() }
        // The limit is set first thing in main, before stdin is read. More than a pipe holds
        // (64 KiB) is written, so the write returns only once the process is reading: an event, not a sleep.
        input.fileHandleForWriting.write(Data(repeating: UInt8(ascii: "#"), count: 70_000))
        let limits = (try? String(contentsOfFile: "/proc/\(p.processIdentifier)/limits", encoding: .utf8)) ?? ""
        XCTAssertNotNil(limits.range(of: #"Max core file size\s+0\s+0"#, options: .regularExpression), limits)
        // Not dumpable: /proc/PID/environ and friends then belong to root, not to the user.
        var st = stat()
        XCTAssertEqual(stat("/proc/\(p.processIdentifier)/environ", &st), 0)
        if getuid() != 0 { XCTAssertEqual(st.st_uid, 0, "a non-dumpable process's /proc files belong to root") }
    }

    /// Escape sequences and bidi overrides from input reach neither the terminal nor the error line raw.
    func testControlAndBidiCharactersAreNeutralised() throws {
        let v = try CLIVault(members: [("kari", "contact-person")])
        // The record refuses control characters in text; bidi controls are text, so they are stored.
        let evil = "Blå\u{202E}kklo\u{2066}ke"
        let id = try v.newCase("case: {type: resident, opened: 2026-11-20}\nperson: {alias: \"Blå\\u202Ekklo\\u2066ke\"}")
        for r in [try v.run(as: "kari", ["case", "show", id]), try v.run(as: "kari", ["case", "list"])] {
            r.assertSuccess("show/list")
            for bad in ["\u{202E}", "\u{2066}"] { XCTAssertFalse(r.stdout.contains(bad), r.stdout.debugDescription) }
            XCTAssertTrue(r.stdout.contains("Blå\\u{202E}kklo\\u{2066}ke"), r.stdout)
        }
        // JSON keeps the value exactly, with the dangerous characters escaped.
        let json = try v.run(as: "kari", ["case", "show", id, "--json"])
        XCTAssertFalse(json.stdout.contains("\u{202E}") || json.stdout.contains("\u{2066}"), json.stdout)
        let fields = try XCTUnwrap((json.json as? [String: Any])?["fields"] as? [String: Any])
        XCTAssertEqual(fields["person.alias"] as? String, evil)
        // An error naming an input (a file name here) does not carry it raw either.
        let r = try v.run(as: "kari", ["case", "new", "ond\u{1B}]0;tittel\u{7}\u{202E}.yaml"])
        r.assertError(66, "missing file with escapes in its name")
        XCTAssertFalse(r.stderr.contains("\u{1B}") || r.stderr.contains("\u{202E}") || r.stderr.contains("\u{7}"), r.stderr.debugDescription)
    }

    /// Absent values are `null`, never missing keys: the documented shape holds.
    func testJSONShapesKeepEveryKey() throws {
        let v = try CLIVault(members: [("kari", "contact-person")])
        let r = try v.run(as: "kari", ["member", "list", "--json"])
        let entries = try XCTUnwrap((r.json as? [String: Any])?["entries"] as? [[String: Any]])
        XCTAssertEqual(Set(entries[0].keys), ["id", "kind", "name", "roles", "fingerprint", "added", "revoked"])
        XCTAssertTrue(entries[0]["revoked"] is NSNull)
        let keys = r.stdout.split(separator: "\n").compactMap { $0.split(separator: "\"").dropFirst().first.map(String.init) }
        XCTAssertTrue(keys.contains("roster_serial"), r.stdout)
    }
}
