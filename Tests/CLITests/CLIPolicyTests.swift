// AccessPolicy comes in through CaseVaultCore; only its default policy text is used here.
import AccessPolicy
import Foundation
import XCTest

/// `policy show | check | sign` through the binary.
final class CLIPolicyTests: XCTestCase {
    func testShowPrintsTheMatrix() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let text = try cli.run(["policy", "show", "--default-policy"])
        text.assertSuccess("policy show")
        XCTAssertTrue(text.stdout.contains("serial 1"))
        for line in ["address.new", "threats[].narrative", "notes[].text"] { XCTAssertTrue(text.stdout.contains(line), line) }

        let json = try cli.run(["policy", "show", "--default-policy", "--json"])
        json.assertSuccess("policy show --json")
        let object = try XCTUnwrap(json.json as? [String: Any])
        XCTAssertEqual(Set(object.keys), ["serial", "centre_wide", "case_assigned", "approval_required", "fields"])
        XCTAssertEqual(object["serial"] as? Int, 1)
        XCTAssertEqual(object["centre_wide"] as? [String], ["leader", "night-shift"])
        XCTAssertEqual(object["case_assigned"] as? [String], ["child-contact", "contact-person", "resident"])
        let rows = try XCTUnwrap(object["fields"] as? [[String: Any]])
        XCTAssertEqual(rows.count, FieldCatalog.fields.count)
        XCTAssertEqual(Set(rows[0].keys), ["field", "label", "read", "write"])
        let narrative = try XCTUnwrap(rows.first { $0["field"] as? String == "threats[].narrative" })
        XCTAssertEqual(narrative["read"] as? [String], ["contact-person", "child-contact", "resident"])
        let note = try XCTUnwrap(rows.first { $0["field"] as? String == "notes[].text" })
        XCTAssertEqual(note["write"] as? [String], ["contact-person", "child-contact", "night-shift"])
        XCTAssertTrue(rows.allSatisfy { ($0["read"] as? [String])?.contains("auditor") == false }, "the auditor reads no content")
    }

    func testCheckValidatesAFile() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let good = try cli.write("policy.yaml", Policy.defaultYAML)
        let ok = try cli.run(["policy", "check", good])
        ok.assertSuccess("check the default policy")
        XCTAssertTrue(ok.stdout.hasPrefix("OK"))

        let refusals: [(String, String, String)] = [
            ("unknown field", Policy.defaultYAML.replacingOccurrences(of: "  case.closed:", with: "  case.colour: {read: [leader], write: [leader]}\n  case.closed:"), "case.colour"),
            ("unknown role", Policy.defaultYAML.replacingOccurrences(of: "centre-wide: [night-shift, leader]", with: "centre-wide: [night-shift, leader, janitor]"), "janitor"),
            ("unknown role in a rule", Policy.defaultYAML.replacingOccurrences(of: "address.new:     {read: [contact-person,", with: "address.new:     {read: [contact-person, neighbour,"), "neighbour"),
            ("field without a rule", Policy.defaultYAML.replacingOccurrences(of: "  economy.income:", with: "  # economy.income:"), "economy.income"),
            ("newer format", Policy.defaultYAML.replacingOccurrences(of: "casevault-policy: 2", with: "casevault-policy: 3"), "3"),
            ("auditor reads content", Policy.defaultYAML.replacingOccurrences(of: "address.current: {read: [contact-person,", with: "address.current: {read: [auditor, contact-person,"), "auditor"),
            ("malformed YAML", "fields: [", "YAML"),
        ]
        for (what, text, mention) in refusals {
            XCTAssertNotEqual(text, Policy.defaultYAML, what)
            let file = try cli.write("bad.yaml", text)
            try cli.run(["policy", "check", file]).assertError(65, what, mentioning: mention)
            try cli.run(["policy", "show", file]).assertError(65, "show: \(what)")
        }
        try cli.run(["policy", "check", cli.path("missing.yaml")]).assertError(66, "missing file")
    }

    func testSignInstallsAndCheckVerifiesTheSignature() throws {
        let v = try CLIVault(members: [("kari", "contact-person"), ("nils", "night-shift")])
        let id = try v.newCase("case: {type: resident, opened: 2026-11-20}\nperson: {alias: Blåklokke}\nnotes: [{text: Hei}]")
        let strict = Policy.defaultYAML
            .replacingOccurrences(of: "serial: 1", with: "serial: 2")
            .replacingOccurrences(of: "write: [contact-person, child-contact, night-shift]", with: "write: [contact-person, child-contact]")
        let file = try v.cli.write("strict.yaml", strict)

        // Unsigned: refused by a signature check.
        try v.cli.run(["policy", "check", file, "--vault", v.vault]).assertError(77, "unsigned policy", mentioning: "not signed")
        try v.withoutRootKey { try v.run(as: "kari", ["policy", "sign", file]) }.assertError(77, "sign without the root key", mentioning: "root key")
        try v.run(as: "lina", ["policy", "sign", file]).assertSuccess("policy sign")
        XCTAssertTrue(FileManager.default.fileExists(atPath: file + ".sig"))
        try v.cli.run(["policy", "check", file, "--vault", v.vault]).assertSuccess("signed policy checks")
        let shown = try v.cli.run(["policy", "show", "--vault", v.vault, "--json"])
        XCTAssertEqual((shown.json as? [String: Any])?["serial"] as? Int, 2, "the signed policy is in force")

        // In force: the night shift may no longer add notes.
        try v.run(as: "nils", ["case", "update", id, "-"], stdin: "add: {notes: {text: Natt}}").assertError(77, "note under the strict policy")

        // Replaying the same or an older serial is refused.
        try v.run(as: "lina", ["policy", "sign", file]).assertError(65, "same serial again", mentioning: "serial")

        // One changed byte in the signed file, or in its signature, is refused.
        let tampered = strict.replacingOccurrences(of: "address.new:     {read: [contact-person,", with: "address.new:     {read: [night-shift, contact-person,")
        XCTAssertNotEqual(tampered, strict)
        try tampered.write(toFile: file, atomically: true, encoding: .utf8)
        try v.cli.run(["policy", "check", file, "--vault", v.vault]).assertError(77, "tampered signed policy")
        var oneByte = Array(strict.utf8)
        oneByte[oneByte.count / 2] ^= 0x20
        try Data(oneByte).write(to: URL(fileURLWithPath: file))
        XCTAssertNotEqual(try v.cli.run(["policy", "check", file, "--vault", v.vault]).status, 0, "one byte changed")
        try strict.write(toFile: file, atomically: true, encoding: .utf8)
        try v.cli.run(["policy", "check", file, "--vault", v.vault]).assertSuccess("restored")
        let sig = try String(contentsOfFile: file + ".sig", encoding: .utf8)
        let signatureLine = try XCTUnwrap(sig.split(separator: "\n").first { $0.hasPrefix("signature ") })
        var chars = Array(signatureLine)
        let i = "signature ".count + 5
        chars[i] = chars[i] == "A" ? "B" : "A"
        let flipped = String(chars)
        try sig.replacingOccurrences(of: signatureLine, with: flipped).write(toFile: file + ".sig", atomically: true, encoding: .utf8)
        try v.cli.run(["policy", "check", file, "--vault", v.vault]).assertError(77, "tampered signature")

        // A signature made for another vault is refused.
        let other = try CLIVault(members: [])
        try sig.write(toFile: file + ".sig", atomically: true, encoding: .utf8)
        try v.cli.run(["policy", "check", file, "--vault", other.vault]).assertError(77, "another vault's policy")
    }

    func testSignRefusesAnInvalidPolicyAndLeavesTheVaultUnchanged() throws {
        let v = try CLIVault(members: [])
        let before = try v.contentDigest()
        let bad = try v.cli.write("bad.yaml", Policy.defaultYAML
            .replacingOccurrences(of: "serial: 1", with: "serial: 2")
            .replacingOccurrences(of: "  notes[].date:", with: "  notes[].colour: {read: [contact-person], write: [contact-person]}\n  notes[].date:"))
        try v.run(as: "lina", ["policy", "sign", bad]).assertError(65, "unknown field", mentioning: "notes[].colour")
        XCTAssertFalse(FileManager.default.fileExists(atPath: bad + ".sig"))
        XCTAssertEqual(try v.contentDigest(), before)
    }
}
