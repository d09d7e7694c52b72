import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import Foundation
import XCTest

/// docs/parts/52-field-catalogue.md is generated from the code, so FORMAT.md can give every
/// pattern, kind, allowed value, limit and the payload order without a reader opening Swift
/// sources. Regenerate with `CASEVAULT_UPDATE_DOCS=1 swift test --filter FieldCatalogueDocTests`,
/// then scripts/make-format-doc.sh.
final class FieldCatalogueDocTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let part = root.appendingPathComponent("docs/parts/52-field-catalogue.md")

    func testTheCatalogueInFormatDocMatchesTheCode() throws {
        let expected = Self.render()
        if ProcessInfo.processInfo.environment["CASEVAULT_UPDATE_DOCS"] == "1" {
            try Data(expected.utf8).write(to: Self.part)
        }
        let stored = try String(contentsOf: Self.part, encoding: .utf8)
        XCTAssertEqual(stored, expected, "docs/parts/52-field-catalogue.md is stale: regenerate it (see this test's comment)")
        let format = try String(contentsOf: Self.root.appendingPathComponent("docs/FORMAT.md"), encoding: .utf8)
        XCTAssertTrue(format.contains(expected), "docs/FORMAT.md is stale: run scripts/make-format-doc.sh")
    }

    static func render() -> String {
        var out = """
            ### Field catalogue

            Generated from the code (`FieldCatalog`, `RecordLimits`, `CaseRecord.order`); a test fails
            when this section and the code disagree. Every pattern a path may have is listed; a path
            whose pattern is not here MUST be refused. A policy (§5) rules every pattern.

            **Kinds** and their plaintext (tag byte first, as above):

            | kind | value | plaintext |
            |---|---|---|
            | text | UTF-8, at most \(RecordLimits.maxTextBytes) bytes, no control characters except LF and TAB | `0x01 ‖ UTF-8` |
            | date | `YYYY-MM-DD`, a real calendar date | `0x01 ‖ UTF-8` |
            | choice | exactly one of the listed values | `0x01 ‖ UTF-8` |
            | identity number | 11 digits, a valid fødselsnummer or D-number (check digits) | `0x01 ‖ UTF-8` |
            | integer a–b | a whole number from a to b | `0x02 ‖ ASCII decimal` |
            | yes/no | true or false | `0x03 ‖ 0x00 or 0x01` |
            | list of texts | at most \(RecordLimits.maxListItems) texts, each as *text* | `0x04 ‖ u32 count ‖ string item…` |

            **Integer syntax.** The ASCII decimal of an integer is an optional `-` then digits with no
            leading zero (`0`, `7`, `-12`; never `+7`, `07`, `-0`, spaces or a fraction), and fits a
            signed 64-bit integer; a reader MUST refuse any other spelling, so each value has one
            encoding.

            **Limits.** A writer MUST refuse, before storing anything: a text over \(RecordLimits.maxTextBytes)
            bytes; a list of texts or a repeated group given with over \(RecordLimits.maxListItems) entries;
            a field whose plaintext exceeds \(RecordLimits.maxFieldPlaintextBytes) bytes; a version holding over
            \(RecordLimits.maxFields) fields (carried-forward fields included) or over \(RecordLimits.maxVersionBytes) bytes; an
            index over 9999. Limits count bytes and entries, never characters. A reader refuses a version
            with over \(VersionDecodeLimits.maxFields) fields, paths over \(VersionDecodeLimits.maxPathBytes) bytes, member ids or roles over \(VersionDecodeLimits.maxMemberBytes) bytes,
            over \(VersionDecodeLimits.maxAssignments) assignments, \(VersionDecodeLimits.maxClasses) classes or \(VersionDecodeLimits.maxEnvelopes) envelopes per class, envelopes over
            \(VersionDecodeLimits.maxSealedKeyBytes) bytes or a ciphertext over \(VersionDecodeLimits.maxCiphertextBytes) bytes: the writer's limits lie strictly inside.

            **Sections**, in reading order: \(FieldCatalog.sections.map { "`\($0.key)` (\($0.label))" }.joined(separator: ", ")).

            | pattern | label | kind |
            |---|---|---|

            """
        for spec in FieldCatalog.fields {
            out += "| `\(spec.pattern)` | \(spec.label) | \(kind(spec.kind)) |\n"
        }
        let sample = ["notes[3].text", "notes[10].text", "threats[0].perpetrators[0].name", "threats[0].violence_types",
                      "threats[1].severity", "threats[0].perpetrators[1].relation", "person.alias", "case.type", "children[0].name"]
        out += """

            **Reading order** (a bundle's payload and manifest `fields`, and `case show`): by section in
            the order above; within a section by the indices of the path compared as a sequence of
            numbers (shorter first when one is a prefix of the other); then by the pattern's place in
            the table; then by the path's bytes. For example:

            \(CaseRecord.order(sample).map { "`\($0)`" }.joined(separator: " · "))

            **Sorted** elsewhere (a version's `assignments`, `written`, `removed` and `fields`) means
            by UTF-8 bytes, lexicographically, with no numeric reading of indices: `notes[10].text`
            sorts before `notes[3].text`. Paths, member ids and roles are ASCII.

            """
        return out
    }

    static func kind(_ kind: FieldKind) -> String {
        switch kind {
        case .text: "text"
        case .date: "date"
        case .bool: "yes/no"
        case let .integer(range): "integer \(range.lowerBound)–\(range.upperBound)"
        case let .choice(values): "choice: " + values.map { "`\($0)`" }.joined(separator: ", ")
        case .textList: "list of texts"
        case .nationalID: "identity number"
        }
    }
}
