import CaseVaultCore
import CaseVaultSamples
import Foundation
import XCTest

/// Failures of the binary: documented exit codes (64 usage, 65 bad input, 66 not found,
/// 73 refused, 77 denied or authentication failed), exactly one line on stderr starting
/// `casevault: error: `, no plaintext in any error, and a vault left as it was.
final class CLIErrorTests: XCTestCase {
    func testUsageErrorsExit64() throws {
        let v = try CLIVault(members: [("kari", "contact-person")])
        let id = try v.newCase("case: {type: resident, opened: 2026-11-20}\nperson: {alias: Blåklokke}")
        try v.cli.run(["case", "show"] + v.as("kari")).assertError(64, "missing case id")
        try v.cli.run(["case", "show", id, "--bogus"] + v.as("kari")).assertError(64, "unknown option")
        try v.cli.run(["case", "frobnicate"]).assertError(64, "unknown subcommand")
        try v.cli.run(["case", "list"]).assertError(64, "no vault given", mentioning: "--vault")
        try v.cli.run(["case", "list", "--vault", v.vault]).assertError(64, "no key file given", mentioning: "--identity")
        try v.cli.run(["member", "add", "--id", "x", "--name", "X", "--role", "auditor", "--public-key", "k"] + v.as("lina"))
            .assertError(64, "member add without a fingerprint")
        try v.cli.run(["case", "show", id, "--json", "extra"] + v.as("kari")).assertError(64, "extra argument")
    }

    /// There is no way to give a passphrase as an argument; the attempt is a usage error that
    /// does not repeat the passphrase.
    func testPassphraseIsNeverAnArgument() throws {
        let v = try CLIVault(members: [("kari", "contact-person")])
        for args in [["case", "list", "--passphrase", "hemmelig-passord"] + v.as("kari"),
                     ["case", "list", "--passphrase=hemmelig-passord"] + v.as("kari"),
                     ["identity", "new", "--out", v.cli.path("x.key"), "--passphrase", "hemmelig-passord"],
                     ["init", "--vault", v.cli.path("v2"), "--centre", "C", "--leader-id", "l", "--leader-name", "L",
                      "--key-out", v.cli.path("l.key"), "--root-key-out", v.cli.path("r.key"), "--password", "hemmelig-passord"],
                     ["identity", "passwd", v.keyPath("kari"), "--new-passphrase", "hemmelig-passord"]] {
            let r = try v.cli.run(args)
            r.assertError(64, args.joined(separator: " "))
            XCTAssertFalse(r.stderr.contains("hemmelig-passord"), r.stderr)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: v.cli.path("x.key")))
        for command in [["case", "show"], ["identity", "new"], ["identity", "passwd"], ["init"], ["member", "add"], ["policy", "sign"]] {
            let help = try v.cli.run(command + ["--help"])
            XCTAssertEqual(help.status, 0)
            let text = help.stdout + help.stderr
            XCTAssertNil(text.range(of: #"--passphrase(?!-file)"#, options: .regularExpression), "\(command): \(text)")
            XCTAssertNil(text.range(of: #"--password"#, options: .regularExpression))
        }
        // The environment variable is the way for scripts, and a wrong one is not echoed.
        var cli = v.cli
        cli.environment["CASEVAULT_PASSPHRASE"] = "riktig hest batteri stift"
        try cli.run(["case", "list", "--vault", v.vault, "--identity", v.keyPath("kari")]).assertSuccess("passphrase from the environment")
        cli.environment["CASEVAULT_PASSPHRASE"] = "hemmelig-men-feil"
        let wrong = try cli.run(["case", "list", "--vault", v.vault, "--identity", v.keyPath("kari")])
        wrong.assertError(77, "wrong passphrase from the environment")
        XCTAssertFalse(wrong.stderr.contains("hemmelig-men-feil"))
    }

    func testBadInputExits65() throws {
        let v = try CLIVault(members: [("kari", "contact-person")])
        let id = try v.newCase("case: {type: resident, opened: 2026-11-20}\nperson: {alias: Blåklokke}")
        let cases: [(String, [String], String?, String?)] = [
            ("malformed YAML", ["case", "new", "-"], "person: [", nil),
            ("malformed JSON", ["case", "new", "-"], #"{"person": {"alias": "A"}"#, nil),
            ("unknown field", ["case", "new", "-"], "person: {nickname: A}", "person.nickname"),
            ("wrong type", ["case", "new", "-"], "case: {phase: \"2\"}", "case.phase"),
            ("bad date", ["case", "new", "-"], "case: {opened: 2026-02-30}", "case.opened"),
            ("bad identity number", ["case", "new", "-"], "person: {national_id: \"15058512344\"}", "person.national_id"),
            ("duplicate key", ["case", "new", "-"], "person: {alias: A, alias: B}", nil),
            ("empty record", ["case", "new", "-"], "", nil),
            ("bad case id", ["case", "show", "abc"], nil, "case id"),
            ("bad patch", ["case", "update", id, "-"], "set: {case.status: shut}", "case.status"),
            ("empty patch", ["case", "update", id, "-"], "{}", nil),
        ]
        for (what, args, stdin, mention) in cases {
            try v.run(as: "kari", args, stdin: stdin).assertError(65, what, mentioning: mention)
        }
        let binary = try v.cli.write("binary.yaml", "")
        try Data([0x70, 0x3A, 0x20, 0xFF, 0xFE]).write(to: URL(fileURLWithPath: binary))
        try v.run(as: "kari", ["case", "new", binary]).assertError(65, "not UTF-8")
        let notAKey = try v.cli.write("not.key", "casevault-identity-v1 abc def\n")
        try v.cli.run(["identity", "show", notAKey]).assertError(65, "identity show of a non-key file")
    }

    func testNotFoundExits66() throws {
        let v = try CLIVault(members: [("kari", "contact-person")])
        try v.run(as: "kari", ["case", "show", "00112233445566778899"]).assertError(66, "unknown case")
        try v.cli.run(["case", "list", "--vault", v.cli.path("nowhere"), "--identity", v.keyPath("kari"), "--passphrase-file", v.passFile])
            .assertError(66, "no vault")
        try v.run(as: "kari", ["case", "new", v.cli.path("missing.yaml")]).assertError(66, "missing record file")
        try v.cli.run(["case", "list", "--vault", v.vault, "--identity", v.cli.path("missing.key"), "--passphrase-file", v.passFile])
            .assertError(66, "missing key file")
        try v.cli.run(["case", "list", "--vault", v.vault, "--identity", v.keyPath("kari"), "--passphrase-file", v.cli.path("nopass")])
            .assertError(66, "missing passphrase file")
    }

    func testRefusalsExit73() throws {
        let v = try CLIVault(members: [("kari", "contact-person")])
        let key = v.keyPath("kari")
        let original = try XCTUnwrap(FileManager.default.contents(atPath: key))
        try v.cli.run(["identity", "new", "--out", key, "--passphrase-file", v.passFile]).assertError(73, "existing key file")
        XCTAssertEqual(FileManager.default.contents(atPath: key), original, "never overwritten")

        try v.cli.run(["identity", "new", "--out", v.vault + "/Keys/kari2.key", "--passphrase-file", v.passFile]).assertError(73, "secret into Keys/")
        XCTAssertFalse(FileManager.default.fileExists(atPath: v.vault + "/Keys/kari2.key"))

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key)
        try v.run(as: "kari", ["case", "list"]).assertError(73, "world-readable key file", mentioning: "chmod 600")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: v.passFile)
        try v.run(as: "kari", ["case", "list"]).assertError(73, "group-readable passphrase file")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: v.passFile)
        try v.run(as: "kari", ["case", "list"]).assertSuccess("permissions restored")

        // A 0600 passphrase file in a folder anyone may write to (no sticky bit): anyone could have put it there.
        let open = v.cli.path("open")
        try FileManager.default.createDirectory(atPath: open, withIntermediateDirectories: false)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: open)
        try FileManager.default.copyItem(atPath: v.passFile, toPath: open + "/pass")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: open + "/pass")
        let args = ["case", "list", "--vault", v.vault, "--identity", key, "--passphrase-file", open + "/pass"]
        try v.cli.run(args).assertError(73, "passphrase file in a world-writable folder", mentioning: "another user may write")
        try FileManager.default.setAttributes([.posixPermissions: 0o1777], ofItemAtPath: open)
        try v.cli.run(args).assertSuccess("the sticky bit keeps others from replacing it")
    }

    func testDeniedAndAuthenticationFailuresExit77() throws {
        let v = try CLIVault()
        let id = try v.newCase(SampleCase.yaml)
        let wrongPass = try v.cli.write("wrong", "feil passord\n")
        try v.cli.run(["case", "list", "--vault", v.vault, "--identity", v.keyPath("kari"), "--passphrase-file", wrongPass])
            .assertError(77, "wrong passphrase", mentioning: "passphrase")

        // A corrupt key file is told apart from a wrong passphrase.
        var bytes = try XCTUnwrap(FileManager.default.contents(atPath: v.keyPath("karl")))
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: v.keyPath("karl")))
        try v.run(as: "karl", ["case", "list"]).assertError(65, "corrupt key file", mentioning: "corrupt")

        try v.newIdentity("stranger")
        try v.run(as: "stranger", ["case", "list"]).assertError(77, "key not on the roster", mentioning: "roster")
        try v.run(as: "kari", ["case", "assign", id, "--member", "cecilie", "--as", "child-contact"]).assertSuccess("assign")
        try v.run(as: "cecilie", ["case", "update", id, "-"], stdin: "set: {address.new: Et annet sted}").assertError(77, "child contact writes the address")
        try v.run(as: "nils", ["case", "new", "-"], stdin: "person: {alias: A}").assertError(77, "night shift opens a case")
        try v.withoutRootKey { try v.run(as: "kari", ["policy", "sign", v.cli.write("p.yaml", "x: 1")]) }.assertError(77, "policy sign without the root key")

        try v.tamperLatestVersion(of: id)
        for member in ["kari", "cecilie", "nils", "lina"] {
            try v.run(as: member, ["case", "show", id]).assertError(77, "tampered version read by \(member)")
        }
        try v.run(as: "kari", ["case", "history", id]).assertError(77, "history of a tampered case")
    }

    /// Bad input of every kind leaves cases, roster, policy and metadata exactly as they were.
    func testBadInputLeavesTheVaultUnchanged() throws {
        let v = try CLIVault()
        let id = try v.newCase(SampleCase.yaml)
        try v.run(as: "kari", ["case", "assign", id, "--member", "cecilie", "--as", "child-contact"]).assertSuccess("assign")
        let before = try v.contentDigest()
        let versions = try v.count("case_versions")
        let wrongPass = try v.cli.write("wrong", "feil\n")
        try v.newIdentity("stranger")
        let attempts: [(String, [String], String?)] = [
            ("kari", ["case", "new", "-"], "person: ["),
            ("kari", ["case", "new", "-"], "person: {nickname: x}"),
            ("kari", ["case", "new", "-"], "person: {national_id: \"15058512344\"}"),
            ("kari", ["case", "update", id, "-"], "set: {case.opened: 2026-02-30}"),
            ("kari", ["case", "update", id, "-"], "add: {person: {alias: x}}"),
            ("cecilie", ["case", "update", id, "-"], "set: {address.new: x}"),
            ("nils", ["case", "update", id, "-"], "set: {\"measures[0].valid_to\": 2026-11-01}"),
            ("karl", ["case", "update", id, "-"], "set: {case.status: closed}"),
            ("stranger", ["case", "update", id, "-"], "set: {case.status: closed}"),
            ("kari", ["case", "assign", id, "--member", "nils", "--as", "child-contact"], nil),
            ("cecilie", ["case", "assign", id, "--member", "karl", "--as", "contact-person"], nil),
            ("lina", ["policy", "sign", try v.cli.write("bad-policy.yaml", "casevault-policy: 1\nserial: 2\n")], nil),
        ]
        for (member, args, stdin) in attempts {
            let r = try v.run(as: member, args, stdin: stdin)
            XCTAssertNotEqual(r.status, 0, "\(member) \(args)")
            XCTAssertTrue(r.stderr.hasPrefix("casevault: error: "), r.stderr)
        }
        try v.cli.run(["case", "update", id, "-", "--vault", v.vault, "--identity", v.keyPath("kari"), "--passphrase-file", wrongPass],
                      stdin: "set: {case.status: closed}").assertError(77, "wrong passphrase")
        try v.addMember("stranger", roles: ["night-shift"], fingerprint: "0000 0000").assertError(77, "wrong fingerprint")
        XCTAssertEqual(try v.count("case_versions"), versions)
        XCTAssertEqual(try v.contentDigest(), before, "a failed command changed the vault")
    }

    /// A value planted in a case never appears in stderr (nor stdout) of any failing command.
    func testCanaryNeverInErrors() throws {
        let v = try CLIVault()
        let canary = "KANARI7F3A9C"
        let id = try v.newCase("""
            case: {type: resident, opened: 2026-10-02}
            person: {alias: Blåklokke, legal_name: "Anna \(canary)", safe_contact: "\(canary)@example.invalid"}
            address: {new: "\(canary)veien 1"}
            children: [{alias: Maur, name: "Mia \(canary)"}]
            notes: [{date: 2026-10-02, text: "Notat \(canary)"}]
            """)
        try v.run(as: "kari", ["case", "assign", id, "--member", "cecilie", "--as", "child-contact"]).assertSuccess("assign")
        let wrongPass = try v.cli.write("wrong", "feil\n")
        var results: [(String, CLI.Result)] = []
        func attempt(_ what: String, _ member: String, _ args: [String], stdin: String? = nil) throws {
            results.append((what, try v.run(as: member, args, stdin: stdin)))
        }
        try attempt("not assigned", "karl", ["case", "show", id])
        try attempt("auditor", "anne", ["case", "show", id, "--json"])
        try attempt("denied write", "cecilie", ["case", "update", id, "-"], stdin: "set: {address.new: \"\(canary)gata 2\"}")
        try attempt("invalid id number", "kari", ["case", "update", id, "-"], stdin: "set: {person.national_id: \"\(canary)\"}")
        try attempt("invalid date", "kari", ["case", "update", id, "-"], stdin: "set: {case.opened: \"\(canary)\"}")
        try attempt("invalid enum", "kari", ["case", "update", id, "-"], stdin: "set: {person.address_protection: \(canary)}")
        try attempt("wrong type", "kari", ["case", "new", "-"], stdin: "person: {alias: [\(canary)]}")
        try attempt("object for text", "kari", ["case", "new", "-"], stdin: "person: {legal_name: {first: \(canary)}}")
        try attempt("malformed", "kari", ["case", "new", "-"], stdin: "person: {legal_name: \"\(canary)")
        try attempt("duplicate key", "kari", ["case", "new", "-"], stdin: "person: {legal_name: \(canary), legal_name: \(canary)}")
        try attempt("bool", "kari", ["case", "update", id, "-"], stdin: "set: {person.interpreter: \(canary)}")
        try attempt("integer", "kari", ["case", "update", id, "-"], stdin: "set: {case.phase: \(canary)}")
        results.append(("wrong passphrase", try v.cli.run(["case", "show", id, "--vault", v.vault, "--identity", v.keyPath("kari"),
                                                          "--passphrase-file", wrongPass])))
        try v.tamperLatestVersion(of: id)
        for m in ["kari", "cecilie", "nils", "lina"] {
            try attempt("tampered, \(m)", m, ["case", "show", id])
        }
        // A listing names a damaged case (to those who reach it) instead of failing altogether,
        // and its exit status says something failed.
        let list = try v.run(as: "nils", ["case", "list"])
        XCTAssertEqual(list.status, 77, list.stderr)
        XCTAssertTrue(list.stderr.contains("1 case failed verification"), list.stderr)
        XCTAssertTrue(list.stdout.contains("\(id)  FAILED VERIFICATION"), list.stdout)
        XCTAssertFalse(list.stdout.contains(canary) || list.stderr.contains(canary))
        try attempt("tampered history", "kari", ["case", "history", id, "--json"])
        try attempt("tampered update", "kari", ["case", "update", id, "-"], stdin: "set: {case.status: closed}")
        for (what, r) in results {
            XCTAssertNotEqual(r.status, 0, what)
            XCTAssertFalse(r.stderr.contains(canary), "\(what): \(r.stderr)")
            XCTAssertFalse(r.stdout.contains(canary), "\(what): \(r.stdout)")
            XCTAssertTrue(r.stderr.hasPrefix("casevault: error: "), "\(what): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").filter { !$0.hasPrefix("casevault: hint: ") }.count, 1, "\(what): \(r.stderr)")
        }
    }
}
