import Foundation
import XCTest

/// What a new user meets first: the version, help with examples, manual pages from the command
/// definitions, the case template, public identities, vault facts, case-id prefixes and hints.
final class NewcomerCLITests: XCTestCase {
    func testVersion() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let r = try cli.run(["--version"])
        r.assertSuccess("--version")
        XCTAssertNotNil(r.stdout.range(of: #"^\d+\.\d+\.\d+ \(vault format \d+\)\n$"#, options: .regularExpression), r.stdout)
    }

    /// The manual pages are generated from this dump of the command definitions; every leaf
    /// command's help has an Examples section.
    func testEveryCommandHasExamplesAndTheManualSourceBuilds() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let r = try cli.run(["--experimental-dump-help"])
        r.assertSuccess("dump help")
        let info = try XCTUnwrap(r.json as? [String: Any])
        var leaves: [(String, [String: Any])] = []
        func walk(_ command: [String: Any], path: String) {
            let name = path.isEmpty ? (command["commandName"] as? String ?? "") : path + " " + (command["commandName"] as? String ?? "")
            let subs = command["subcommands"] as? [[String: Any]] ?? []
            if subs.isEmpty { leaves.append((name, command)) }
            subs.forEach { walk($0, path: name) }
        }
        walk(try XCTUnwrap(info["command"] as? [String: Any]), path: "")
        XCTAssertGreaterThan(leaves.count, 30)
        // `help` is ArgumentParser's; `agent` is the hidden process that `unlock` starts.
        for (name, command) in leaves where !name.hasSuffix(" help") && command["shouldDisplay"] as? Bool != false {
            let discussion = command["discussion"] as? String ?? ""
            XCTAssertTrue(discussion.contains("Examples:\n  casevault "), "\(name) has no examples")
            let help = try cli.run(name.split(separator: " ").dropFirst().map(String.init) + ["--help"])
            XCTAssertTrue(help.stdout.contains("Examples:"), "\(name) --help")
        }
    }

    func testTheTemplateListsEveryFieldAndUncommentedItIsRefused() throws {
        let v = try CLIVault(members: [("kari", "contact-person")])
        let t = try v.cli.run(["case", "template"])
        t.assertSuccess("case template")
        for needle in ["sakstype", "one of: resident, day-user, aftercare", "adressesperre", "strengt-fortrolig-utland",
                       "voldsutøver", "one of: low, moderate, high, acute", "mobile-violence-alarm", "notat"] {
            XCTAssertTrue(t.stdout.contains(needle), "template lacks \(needle)")
        }
        // As printed, every field is commented out: the empty record is refused.
        try v.run(as: "kari", ["case", "new", "-"], stdin: t.stdout).assertError(65, "untouched template")
        // Every line uncommented (`sed 's/^# //'`), it is still refused: its values are placeholders.
        let uncommented = t.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix("# ") ? String($0.dropFirst(2)) : String($0) }.joined(separator: "\n")
        let refused = try v.run(as: "kari", ["case", "new", "-"], stdin: uncommented)
        refused.assertError(65, "uncommented template", mentioning: "person.alias: empty text")
        XCTAssertTrue(refused.stderr.contains("case.opened: still the template's placeholder"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("result.safe_home: still the template's placeholder"), refused.stderr)
        // One line per problem, each naming its field, under one error line that counts them.
        let problemLines = refused.stderr.split(separator: "\n").filter { $0.hasPrefix("casevault: problem: ") }
        XCTAssertGreaterThan(problemLines.count, 50, refused.stderr)
        XCTAssertTrue(refused.stderr.hasPrefix("casevault: error: \(problemLines.count) problems, one per line:\n"), refused.stderr)
        XCTAssertTrue(problemLines.contains("casevault: problem: case.opened: still the template's placeholder; give a value or delete the line"),
                      refused.stderr)
        XCTAssertFalse(refused.stderr.contains("problems: "), "not joined into one line")
        XCTAssertFalse(uncommented.contains("answers:"), "answers come only from an import")
        XCTAssertEqual(try v.count("case_versions"), 0)
        // Its placeholders replaced, the lines kept are accepted.
        let filled = """
            case: {type: resident, opened: 2026-11-20}
            person: {alias: Blåklokke}
            """
        XCTAssertFalse(try v.newCase(filled).isEmpty)
    }

    func testPublicIdentityLinesAreWhatMemberAddReads() throws {
        let v = try CLIVault(members: [])
        let key = v.cli.path("kari.cvkey")
        let made = try v.cli.run(["identity", "new", "--out", key, "--write-public", "--passphrase-file", v.passFile])
        made.assertSuccess("identity new")
        let pub = try String(contentsOfFile: v.cli.path("kari.pub"), encoding: .utf8)
        XCTAssertTrue(made.stdout.contains(pub.trimmingCharacters(in: .newlines)), "printed line = written line")
        let line = try v.cli.run(["identity", "show", "--public", key])
        XCTAssertEqual(line.stdout, pub, "--public prints only the line")
        let fp = try v.cli.run(["identity", "show", "--fingerprint", key]).stdout.trimmingCharacters(in: .newlines)
        try v.cli.write("shown.pub", line.stdout)
        // @FILE relative to the current folder (the work folder here).
        try v.cli.run(["member", "add", "--id", "kari", "--name", "Kari", "--role", "contact-person", "--public-key", "@shown.pub",
                       "--fingerprint", fp] + v.as("lina")).assertSuccess("member add @shown.pub")
        let missing = try v.cli.run(["member", "add", "--id", "x", "--name", "X", "--role", "auditor", "--public-key", "@nowhere/x.pub",
                                     "--fingerprint", fp] + v.as("lina"))
        missing.assertError(66, "missing @file")
        XCTAssertTrue(missing.stderr.contains("casevault: hint: a relative path is read from the current folder"), missing.stderr)
        try v.cli.run(["identity", "new", "--out", key + "2", "--public-out", v.cli.path("kari.pub"), "--passphrase-file", v.passFile])
            .assertError(73, "existing public file")
    }

    func testVaultInfo() throws {
        let v = try CLIVault(members: [])
        let r = try v.cli.run(["vault", "info", "--vault", v.vault, "--json"])
        r.assertSuccess("vault info")
        let j = try XCTUnwrap(r.json as? [String: Any])
        XCTAssertEqual(j["centre"] as? String, "Testsenteret")
        XCTAssertEqual(j["format_version"] as? String, "2")
        XCTAssertEqual((j["vault"] as? String)?.count, 32)
        let text = try v.cli.run(["vault", "info", "--vault", v.vault]).stdout
        XCTAssertTrue(text.contains("Centre root fingerprint: \(try XCTUnwrap(j["root_fingerprint"] as? String))"), text)
        let none = try v.cli.run(["vault", "info", "--vault", v.cli.path("nowhere")])
        none.assertError(66, "no vault")
        XCTAssertTrue(none.stderr.contains("casevault: hint: create one with `casevault init`"), none.stderr)
    }

    /// A prefix resolves only among the cases the user reaches: one that matches only someone
    /// else's case gets the same answer as one that matches nothing.
    func testCaseIDPrefixesNeverRevealAnotherCase() throws {
        let v = try CLIVault(members: [("kari", "contact-person"), ("karl", "contact-person")])
        let kariCase = try v.newCase("case: {type: resident, opened: 2026-11-20}\nperson: {alias: Blåklokke}", as: "kari")
        let karlCase = try v.newCase("case: {type: resident, opened: 2026-11-20}\nperson: {alias: Hestehov}", as: "karl")
        let short = String(kariCase.prefix(6))
        XCTAssertEqual(try v.showJSON(short, as: "kari")["case"] as? String, kariCase, "unique prefix")
        XCTAssertEqual(try v.showJSON(short.uppercased(), as: "kari")["case"] as? String, kariCase, "upper case")
        XCTAssertEqual(try v.showJSON(kariCase.uppercased(), as: "kari")["case"] as? String, kariCase, "full id in upper case")
        let other = try v.run(as: "kari", ["case", "show", String(karlCase.prefix(8))])
        let nothing = try v.run(as: "kari", ["case", "show", "0000000f"])
        other.assertError(66, "prefix of another's case")
        nothing.assertError(66, "prefix of no case")
        XCTAssertEqual(other.stderr.replacingOccurrences(of: String(karlCase.prefix(8)), with: "X"),
                       nothing.stderr.replacingOccurrences(of: "0000000f", with: "X"), "the same answer")
        try v.run(as: "kari", ["case", "show", "abc"]).assertError(65, "too short a prefix")
        // The leader reaches both cases; an empty-enough prefix is ambiguous, never a guess.
        if kariCase.prefix(4) == karlCase.prefix(4) {
            try v.run(as: "lina", ["case", "history", String(kariCase.prefix(4))]).assertError(65, "ambiguous")
        }
    }

    func testAWrongPassphraseNamesTheKeyFileAndWhereThePassphraseCameFrom() throws {
        let v = try CLIVault(members: [("kari", "contact-person")])
        let wrong = try v.cli.write("wrong", "feil passord\n")
        let r = try v.cli.run(["case", "list", "--vault", v.vault, "--identity", v.keyPath("kari"), "--passphrase-file", wrong])
        r.assertError(77, "wrong passphrase", mentioning: v.keyPath("kari"))
        XCTAssertTrue(r.stderr.contains("casevault: hint: it was read from the first line of \(wrong)"), r.stderr)
        // The approver's key is unlocked from its own source, and the error says whose it is.
        let id = try v.newCase("case: {type: resident, opened: 2026-11-20}\nperson: {alias: Blåklokke}")
        let purpose = try v.cli.write("purpose", "Sikkerhetstiltak\n")
        var cli = v.cli
        cli.environment["CASEVAULT_APPROVER_PASSPHRASE"] = "ikke lederens"
        let a = try cli.run(["handover", "create", "--case", id, "--to", "politi", "--purpose-file", purpose, "--basis", "avvergeplikt",
                             "--approver-identity", v.keyPath("lina"), "--out", v.cli.path("b.cvb")] + v.as("kari"))
        a.assertError(77, "wrong approver passphrase", mentioning: v.keyPath("lina"))
        XCTAssertTrue(a.stderr.contains("the approver's passphrase comes from --approver-passphrase-file"), a.stderr)
        XCTAssertFalse(a.stderr.contains("ikke lederens"))
    }
}
