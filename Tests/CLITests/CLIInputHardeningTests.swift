import AccessPolicy
import Foundation
import XCTest

/// Attacks on files and sizes, through the binary.
final class CLIInputHardeningTests: XCTestCase {
    /// A symlink planted at FILE.sig is replaced by the signature file, never followed.
    func testPolicySignDoesNotFollowASymlinkAtTheSignatureFile() throws {
        let v = try CLIVault(members: [("kari", "contact-person")])
        let file = try v.cli.write("policy.yaml", Policy.defaultYAML.replacingOccurrences(of: "serial: 1", with: "serial: 2"))
        let target = try v.cli.write("precious.txt", "do not overwrite\n")
        try FileManager.default.createSymbolicLink(atPath: file + ".sig", withDestinationPath: target)
        try v.run(as: "lina", ["policy", "sign", file]).assertSuccess("policy sign")
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "do not overwrite\n", "the link's target is untouched")
        let attributes = try FileManager.default.attributesOfItem(atPath: file + ".sig")
        XCTAssertEqual(attributes[.type] as? FileAttributeType, .typeRegular, "the link itself was replaced")
        try v.cli.run(["policy", "check", file, "--vault", v.vault]).assertSuccess("the new signature checks")
    }

    /// One Character of many bytes is refused as bad input, and the case stays readable and updatable.
    func testAOneCharacterNoteOverTheByteLimitIsBadInput() throws {
        let v = try CLIVault(members: [("kari", "contact-person")])
        let id = try v.newCase("case: {type: resident, opened: 2026-11-20}\nperson: {alias: Blåklokke}\nnotes: [{text: Hei}]")
        let note = "a" + String(repeating: "\u{0301}", count: 40_000)
        try v.run(as: "kari", ["case", "update", id, "-"], stdin: "add: {notes: {text: \"\(note)\"}}").assertError(65, "a huge one-Character note", mentioning: "bytes")
        try v.run(as: "kari", ["case", "show", id]).assertSuccess("the case still opens")
        try v.run(as: "kari", ["case", "update", id, "-"], stdin: "add: {notes: {text: Kort}}").assertSuccess("and can be updated")
    }

    /// 200 threats × 200 perpetrators × 3 fields: every list within its limit, the whole over the
    /// per-case limit. Refused as bad input by `case new`, with nothing stored.
    func testARecordWithTooManyFieldsIsBadInput() throws {
        let v = try CLIVault(members: [("kari", "contact-person")])
        let perpetrator = #"{"name": "x", "relation": "y", "weapons_access": true}"#
        let threat = #"{"perpetrators": [\#(Array(repeating: perpetrator, count: 200).joined(separator: ","))]}"#
        let record = #"{"threats": [\#(Array(repeating: threat, count: 200).joined(separator: ","))]}"#
        let before = try v.count("case_versions")
        try v.run(as: "kari", ["case", "new", "-"], stdin: record).assertError(65, "a record with 120,000 fields", mentioning: "fields")
        XCTAssertEqual(try v.count("case_versions"), before)
    }
}
