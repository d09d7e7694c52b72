import Foundation
// GRDB comes in through CaseVaultCore (CLITests does not list it in Package.swift); it is used
// only to look at the vault file from outside, the way a reviewer would with sqlite3.
import GRDB
import XCTest

/// A vault made with the real binary: `init`, then one key file per member added with
/// `identity new` and `member add`, all through the command line.
final class CLIVault {
    var cli: CLI
    let passFile: String
    var vault: String { cli.path("vault") }
    /// The centre root fingerprint `init` printed.
    let rootFingerprint: String
    private(set) var fingerprints: [String: String] = [:]
    private(set) var publicLines: [String: String] = [:]

    static let members: [(id: String, role: String)] = [
        ("kari", "contact-person"), ("karl", "contact-person"), ("cecilie", "child-contact"), ("nils", "night-shift"), ("anne", "auditor"),
    ]

    /// `environment` is added to every command's, from `init` on.
    init(testVault: Bool = true, members: [(id: String, role: String)] = CLIVault.members, passphrase: String = "riktig hest batteri stift",
         environment: [String: String] = [:], file: StaticString = #filePath, line: UInt = #line) throws {
        var cli = try CLI()
        cli.environment.merge(environment) { _, given in given }
        self.cli = cli
        passFile = try cli.write("pass", passphrase + "\n")
        var args = ["init", "--vault", cli.path("vault"), "--centre", "Testsenteret", "--leader-id", "lina", "--leader-name", "Lina Leder",
                    "--key-out", cli.path("lina.key"), "--passphrase-file", passFile,
                    "--root-key-out", cli.path("root.key"), "--root-passphrase-file", passFile]
        if testVault { args.append("--test-vault") }
        let r = try cli.run(args)
        XCTAssertEqual(r.status, 0, "init: \(r.stderr)", file: file, line: line)
        // The leader's root key file is at hand for every command that the root signs, as if the
        // USB stick were plugged in; tests of commands without it remove these.
        self.cli.environment["CASEVAULT_ROOT_KEY"] = cli.path("root.key")
        self.cli.environment["CASEVAULT_ROOT_PASSPHRASE"] = passphrase
        let prefix = "Centre root fingerprint: "
        rootFingerprint = String(r.stdout.split(separator: "\n").first { $0.hasPrefix(prefix) }?.dropFirst(prefix.count) ?? "")
        for m in members {
            try newIdentity(m.id, file: file, line: line)
            let add = try addMember(m.id, roles: [m.role])
            XCTAssertEqual(add.status, 0, "member add \(m.id): \(add.stderr)", file: file, line: line)
            try pin(m.id, file: file, line: line)
        }
    }

    /// `vault trust` for `id`: the member pins the fingerprint the leader read out.
    func pin(_ id: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try cli.run(["vault", "trust", "--vault", vault, "--identity", keyPath(id), "--fingerprint", rootFingerprint])
        XCTAssertEqual(r.status, 0, "vault trust \(id): \(r.stderr)", file: file, line: line)
    }

    deinit { cli.cleanUp() }

    /// `identity new --json` for `id`, remembering its public line and fingerprint.
    func newIdentity(_ id: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let made = try cli.newIdentity(out: keyPath(id), passphraseFile: passFile, file: file, line: line)
        publicLines[id] = made.publicIdentity
        fingerprints[id] = made.fingerprint
    }

    func keyPath(_ id: String) -> String { cli.path("\(id).key") }

    /// Runs `body` with the centre root key file out of reach (not in the environment).
    func withoutRootKey<T>(_ body: () throws -> T) rethrows -> T {
        let saved = (cli.environment["CASEVAULT_ROOT_KEY"], cli.environment["CASEVAULT_ROOT_PASSPHRASE"])
        cli.environment["CASEVAULT_ROOT_KEY"] = nil
        cli.environment["CASEVAULT_ROOT_PASSPHRASE"] = nil
        defer { (cli.environment["CASEVAULT_ROOT_KEY"], cli.environment["CASEVAULT_ROOT_PASSPHRASE"]) = saved }
        return try body()
    }

    /// Options that make a command act as `member`.
    func `as`(_ member: String) -> [String] { ["--vault", vault, "--identity", keyPath(member), "--passphrase-file", passFile] }

    func addMember(_ id: String, roles: [String], fingerprint: String? = nil) throws -> CLI.Result {
        var args = ["member", "add", "--id", id, "--name", id.capitalized, "--public-key", publicLines[id] ?? "", "--fingerprint", fingerprint ?? fingerprints[id] ?? ""]
        for r in roles { args += ["--role", r] }
        return try cli.run(args + self.as("lina"))
    }

    func run(as member: String, _ args: [String], stdin: String? = nil) throws -> CLI.Result {
        try cli.run(args + self.as(member), stdin: stdin)
    }

    /// `case new` from text given on stdin; returns the case id.
    func newCase(_ record: String, as member: String = "kari", file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let r = try run(as: member, ["case", "new", "-", "--json"], stdin: record)
        XCTAssertEqual(r.status, 0, "case new: \(r.stderr)", file: file, line: line)
        return try XCTUnwrap(try CLI.object(r.stdout, file: file, line: line)["case"] as? String, file: file, line: line)
    }

    func showJSON(_ id: String, as member: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let r = try run(as: member, ["case", "show", id, "--json"])
        XCTAssertEqual(r.status, 0, "case show as \(member): \(r.stderr)", file: file, line: line)
        return try CLI.object(r.stdout, file: file, line: line)
    }

    // MARK: Looking at the file from outside

    private func database() throws -> DatabaseQueue {
        var c = Configuration()
        c.readonly = true
        return try DatabaseQueue(path: vault + "/vault.sqlite", configuration: c)
    }

    /// A digest of everything a command may change except the access log (refusals are logged by design).
    func contentDigest() throws -> String {
        try database().read { db in
            var parts: [String] = []
            for (table, order) in [("case_versions", "case_id, version"), ("rosters", "serial"), ("policies", "serial"), ("meta", "key")] {
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY \(order)") {
                    if table == "meta", let key: String = row["key"], key.hasPrefix("log_") { continue }
                    parts.append(table + ":" + row.databaseValues.map { v -> String in
                        switch v.storage {
                        case let .blob(d): return d.base64EncodedString()
                        case let .string(s): return "s" + s
                        case let .int64(i): return "i\(i)"
                        case let .double(x): return "d\(x)"
                        case .null: return "null"
                        }
                    }.joined(separator: "|"))
                }
            }
            return parts.joined(separator: "\n")
        }
    }

    func count(_ table: String) throws -> Int { try database().read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 } }

    /// Flips one byte in the middle of the latest stored version of a case.
    func tamperLatestVersion(of caseHex: String) throws {
        var c = Configuration()
        c.busyMode = .timeout(5)
        let q = try DatabaseQueue(path: vault + "/vault.sqlite", configuration: c)
        try q.write { db in
            let id = Data(hexString: caseHex)!
            let row = try XCTUnwrap(try Row.fetchOne(db, sql: "SELECT version, body FROM case_versions WHERE case_id = ? ORDER BY version DESC LIMIT 1", arguments: [id]))
            var body: Data = row["body"]
            body[body.startIndex + body.count / 2] ^= 0x01
            try db.execute(sql: "UPDATE case_versions SET body = ? WHERE case_id = ? AND version = ?", arguments: [body, id, row["version"] as Int64])
        }
    }
}

extension Data {
    init?(hexString: String) {
        var bytes: [UInt8] = []
        var chars = Array(hexString.utf8)[...]
        guard chars.count % 2 == 0 else { return nil }
        while !chars.isEmpty {
            guard let b = UInt8(String(decoding: chars.prefix(2), as: UTF8.self), radix: 16) else { return nil }
            bytes.append(b)
            chars = chars.dropFirst(2)
        }
        self.init(bytes)
    }
}

extension CLI.Result {
    /// Asserts a failure with `code` and exactly one error line on stderr, `casevault: error: …`,
    /// followed only by `casevault: hint: …` lines.
    func assertError(_ code: Int32, _ what: String, mentioning: String? = nil, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(status, code, "\(what): exit \(status), stderr: \(stderr)", file: file, line: line)
        XCTAssertTrue(stderr.hasPrefix("casevault: error: "), "\(what): stderr \(stderr.debugDescription)", file: file, line: line)
        XCTAssertTrue(stderr.hasSuffix("\n"), "\(what): stderr \(stderr.debugDescription)", file: file, line: line)
        let lines = stderr.split(separator: "\n").filter { !$0.hasPrefix("casevault: hint: ") && !$0.hasPrefix("casevault: problem: ") }
        XCTAssertEqual(lines.count, 1, "\(what): one error line (then only problems and hints): \(stderr.debugDescription)", file: file, line: line)
        XCTAssertFalse(stderr.contains("\r"), "\(what): \(stderr.debugDescription)", file: file, line: line)
        if let mentioning { XCTAssertTrue(stderr.contains(mentioning), "\(what): \(stderr) should mention \(mentioning)", file: file, line: line) }
    }

    func assertSuccess(_ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(status, 0, "\(what): \(stderr)", file: file, line: line)
    }

    var json: Any? { try? JSONSerialization.jsonObject(with: Data(stdout.utf8)) }
}
