import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import CaseVaultSamples
import XCTest

/// Records from JSON or YAML: every value checked against the catalogue, clear one-line errors
/// naming the field, never the value.
final class RecordValidationTests: XCTestCase {
    private let parser = RecordParser(allowSyntheticIDs: false)

    private func parse(_ text: String) throws -> [String: FieldValue] { try parser.parseRecord(text).fields }

    /// Asserts an `.invalidInput` error whose message mentions `mentions` and never any of `secrets`.
    @discardableResult
    private func rejects(_ text: String, mentions: String? = nil, secrets: [String] = [], file: StaticString = #filePath, line: UInt = #line) -> String? {
        do {
            let fields = try parser.parseRecord(text).fields
            XCTFail("accepted: \(fields)", file: file, line: line)
            return nil
        } catch let error as VaultError {
            XCTAssertEqual(error.kind, .invalidInput, error.message, file: file, line: line)
            if let mentions { XCTAssertTrue(error.message.contains(mentions), "\"\(error.message)\" should mention \(mentions)", file: file, line: line) }
            for s in secrets { XCTAssertFalse(error.message.contains(s), "\"\(error.message)\" repeats the value \(s)", file: file, line: line) }
            XCTAssertFalse(error.message.contains("\n"), "one line: \(error.message)", file: file, line: line)
            return error.message
        } catch {
            XCTFail("not a VaultError: \(error)", file: file, line: line)
            return nil
        }
    }

    func testSampleCaseParsesCompletely() throws {
        let fields = try RecordParser(allowSyntheticIDs: true).parseRecord(SampleCase.yaml).fields
        XCTAssertEqual(fields["case.phase"], .integer(2))
        XCTAssertEqual(fields["person.interpreter"], .bool(false))
        XCTAssertEqual(fields["person.birth_date"], .text("1985-01-15"))
        XCTAssertEqual(fields["threats[0].perpetrators[0].avoid_areas"], .list(["Sentrum øst", "Bryggeområdet"]))
        XCTAssertEqual(fields["threats[1].police_assessment.level"], .text("moderat"))
        XCTAssertEqual(fields["applications[1].viewings"], .list([]))
        XCTAssertEqual(fields["notes[1].date"], .text("2026-10-20"))
        let patterns = Set(fields.keys.compactMap { FieldCatalog.pattern(ofPath: $0) })
        let missing = Set(FieldCatalog.fields.map(\.pattern)).subtracting(patterns)
        // Disclosures and the answers that come back to them exist only after a handover; documents
        // only after `case document add`, which a record cannot do.
        let disclosures: [String] = FieldCatalog.fields.map(\.pattern).filter {
            $0.hasPrefix("disclosures[]") || $0.hasPrefix("answers[]") || $0.hasPrefix("documents[]")
        }
        let expectedMissing: Set<String> = Set(["case.closed", "consents[].withdrawn_on"] + disclosures)
        XCTAssertEqual(missing, expectedMissing, "the sample fills every field a case has before it is closed or handed over")
    }

    func testJSONAndYAMLGiveTheSameRecord() throws {
        let yaml = "case: {type: resident, phase: 2}\nperson:\n  alias: Blåklokke\n  interpreter: true\nchildren:\n  - {alias: Maur, birth_date: 2019-05-03}\n"
        let json = #"{"case": {"type": "resident", "phase": 2}, "person": {"alias": "Blåklokke", "interpreter": true}, "children": [{"alias": "Maur", "birth_date": "2019-05-03"}]}"#
        XCTAssertEqual(try parse(yaml), try parse(json))
        XCTAssertEqual(try parse(json)["children[0].birth_date"], .text("2019-05-03"))
    }

    func testNationalIDInARecord() throws {
        XCTAssertEqual(try parse(#"person: {national_id: "15058512343"}"#)["person.national_id"], .text("15058512343"))
        XCTAssertEqual(try parse("person: {national_id: 15058512343}")["person.national_id"], .text("15058512343"))
        XCTAssertEqual(try parse("person: {national_id: 01019012308}")["person.national_id"], .text("01019012308"), "leading zero kept")
        rejects(#"person: {national_id: "15058512344"}"#, mentions: "person.national_id", secrets: ["15058512344", "150585"])
        rejects(#"person: {national_id: "32018512318"}"#, mentions: "person.national_id", secrets: ["32018512318"])
        rejects(#"person: {national_id: "1505851234"}"#, mentions: "person.national_id", secrets: ["1505851234"])
        rejects(#"{"person": {"national_id": 1505851234}}"#, mentions: "person.national_id")
        rejects(#"person: {national_id: "15418510002"}"#, mentions: "test vault", secrets: ["15418510002"])
        XCTAssertNoThrow(try RecordParser(allowSyntheticIDs: true).parseRecord(#"person: {national_id: "15418510002"}"#))
        rejects("person: {national_id: [15058512343]}", mentions: "person.national_id")
    }

    func testSyntheticSampleRefusedByAProductionVault() throws {
        let t = try TestVault(testVault: false)
        let before = try t.raw().contentDigest()
        let e = TestVault.assertFails([.invalidInput], "synthetic identity number in a production vault") {
            try t.session("kari").createCase(recordText: SampleCase.yaml)
        }
        XCTAssertFalse(e?.message.contains(SampleCase.adultNationalID) ?? true)
        XCTAssertEqual(try t.raw().contentDigest(), before, "a refused case leaves the vault unchanged")
        XCTAssertEqual(try t.raw().count("case_versions"), 0)
    }

    func testDates() throws {
        XCTAssertEqual(try parse("case: {opened: 2024-02-29}")["case.opened"], .text("2024-02-29"))
        XCTAssertEqual(try parse(#"case: {opened: "2026-12-31"}"#)["case.opened"], .text("2026-12-31"))
        for bad in ["2026-02-30", "2026-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "2026-2-3", "26-02-03", "2026-02-03T10:00:00Z",
                    "2026/02/03", "03.02.2026", "2026-02-3x", "１９８５-01-01", "0000-01-01", "99999-01-01", "tomorrow"] {
            rejects("case: {opened: \"\(bad)\"}", mentions: "case.opened", secrets: [bad])
        }
        rejects("case: {opened: 20260203}", mentions: "case.opened")
        rejects("case: {opened: [2026-02-03]}", mentions: "case.opened")
    }

    func testEnums() throws {
        XCTAssertEqual(try parse("person: {address_protection: strengt-fortrolig-utland}")["person.address_protection"], .text("strengt-fortrolig-utland"))
        rejects("case: {type: CANARYTYPE}", mentions: "case.type", secrets: ["CANARYTYPE"])
        rejects("case: {status: Open}", mentions: "case.status", secrets: ["Open"])
        // The Norwegian word the tool prints names its value; near misses of either are refused.
        XCTAssertEqual(try parse("person: {address_protection: strengt fortrolig}")["person.address_protection"], .text("strengt-fortrolig"))
        rejects("person: {address_protection: strengt_fortrolig}", mentions: "person.address_protection")
        rejects("threats: [{centre_judgement: extreme}]", mentions: "threats[0].centre_judgement", secrets: ["extreme"])
        rejects("measures: [{type: [contact-ban]}]", mentions: "measures[0].type")
    }

    func testIntegers() throws {
        XCTAssertEqual(try parse("case: {phase: 3}")["case.phase"], .integer(3))
        for bad in ["0", "4", "-1", "2.0", "2e0", "0x2", "99999999999999999999999", "two", "[2]", "{a: 2}", "true"] {
            rejects("case: {phase: \(bad)}", mentions: "case.phase")
        }
        rejects(#"case: {phase: "2"}"#, mentions: "case.phase")
        rejects(#"{"case": {"phase": "2"}}"#, mentions: "case.phase")
    }

    func testBooleans() throws {
        XCTAssertEqual(try parse("person: {interpreter: false}")["person.interpreter"], .bool(false))
        for bad in ["yes", "no", "on", "True", "FALSE", "1", "0", "ja", #""true""#, "[true]"] {
            rejects("person: {interpreter: \(bad)}", mentions: "person.interpreter")
        }
    }

    func testWrongTypes() throws {
        rejects("person: [alias]", mentions: "person")
        rejects("person: Blåklokke", mentions: "person", secrets: ["Blåklokke"])
        rejects("person: {alias: [Blåklokke]}", mentions: "person.alias", secrets: ["Blåklokke"])
        rejects("person: {alias: {name: Blåklokke}}", mentions: "person.alias", secrets: ["Blåklokke"])
        rejects("children: {alias: Maur}", mentions: "children", secrets: ["Maur"])
        rejects("children: [Maur]", mentions: "children[0]", secrets: ["Maur"])
        rejects("safety: {do_not_admit: Ola Fiktiv}", mentions: "safety.do_not_admit", secrets: ["Ola Fiktiv"])
        rejects("safety: {do_not_admit: [[Ola]]}", mentions: "safety.do_not_admit", secrets: ["Ola"])
        rejects("threats: [{perpetrators: {name: Ola}}]", mentions: "threats[0].perpetrators", secrets: ["Ola"])
        rejects("threats: [{police_assessment: SARA}]", mentions: "threats[0].police_assessment", secrets: ["SARA"])
    }

    func testTextLimits() throws {
        XCTAssertEqual(try parse("notes: [{text: \"Linje 1\\nLinje 2\\tslutt\"}]")["notes[0].text"], .text("Linje 1\nLinje 2\tslutt"))
        rejects("notes: [{text: \"bell \\a here\"}]", mentions: "notes[0].text")
        rejects("notes: [{text: \"nul \\0 here\"}]", mentions: "notes[0].text")
        rejects("notes: [{text: \"\(String(repeating: "x", count: RecordParser.maxTextBytes + 1))\"}]", mentions: "notes[0].text")
        let many = (0...RecordParser.maxListItems).map { "s\($0)" }.joined(separator: ", ")
        rejects("safety: {do_not_admit: [\(many)]}", mentions: "safety.do_not_admit")
        let entries = (0...RecordParser.maxListItems).map { _ in "{text: x}" }.joined(separator: ", ")
        rejects("notes: [\(entries)]", mentions: "notes")
    }

    func testUnknownFields() throws {
        rejects("case: {type: resident}\nhemmelig: CANARYVALUE", mentions: "hemmelig", secrets: ["CANARYVALUE"])
        rejects("person: {alias: A, nickname: CANARYVALUE}", mentions: "person.nickname", secrets: ["CANARYVALUE"])
        rejects("children: [{alias: A, shoe_size: 31}]", mentions: "children[0].shoe_size")
        rejects("threats: [{perpetrators: [{name: A, car: CANARYVALUE}]}]", mentions: "threats[0].perpetrators[0].car", secrets: ["CANARYVALUE"])
        rejects("threats: [{police_assessment: {tool: SARA, score: 3}}]", mentions: "threats[0].police_assessment.score")
        rejects("Person: {alias: A}", mentions: "Person")
        rejects(#"{"person.alias": "A"}"#)
        rejects(#"{"children[0]": {"alias": "A"}}"#)
        rejects("person: {alias: A, legal-name: B}")
    }

    func testMalformedInput() throws {
        for text in ["{", #"{"case": {"type": "resident"}"#, "person: [", "person:\n\talias: A",
                     "person: {alias: \"unterminated}", "]"] {
            rejects(text)
        }
        rejects("", mentions: "empty")
        rejects("   \n", mentions: "empty")
        for notAnObject in ["[]", "42", "Blåklokke", "- a", "null", "~"] {
            rejects(notAnObject, secrets: notAnObject == "Blåklokke" ? ["Blåklokke"] : [])
        }
    }

    /// YAML 1.1 reads `no` as false; a text field must keep what was written.
    func testNorwayProblem() throws {
        let fields = try parse("person: {language: no, residence_status: yes, alias: off, safe_contact: 0123, legal_name: null}\ncase: {status: on-hold}")
        XCTAssertEqual(fields["person.language"], .text("no"))
        XCTAssertEqual(fields["person.residence_status"], .text("yes"))
        XCTAssertEqual(fields["person.alias"], .text("off"))
        XCTAssertEqual(fields["person.safe_contact"], .text("0123"))
        XCTAssertNil(fields["person.legal_name"], "null leaves a field out")
        XCTAssertEqual(try parse("safety: {do_not_admit: [no, NO, ~x]}")["safety.do_not_admit"], .list(["no", "NO", "~x"]))
        XCTAssertEqual(try parse(#"{"person": {"language": "no"}}"#)["person.language"], .text("no"))
        XCTAssertEqual(try parse("threats: [{severity: 1.10}]")["threats[0].severity"], .text("1.10"), "numbers in text fields stay as written")
    }

    func testDuplicateKeys() throws {
        rejects("person: {alias: Blåklokke, alias: Maur}", secrets: ["Blåklokke", "Maur"])
        rejects(#"{"case": {"phase": 1, "phase": 2}}"#)
        rejects("person: {alias: A}\nperson: {legal_name: B}")
        rejects("children:\n  - alias: Blåklokke\n    alias: Maur\n", secrets: ["Blåklokke", "Maur"])
    }

    func testAnchorsAndAliasesRefused() throws {
        rejects("person: &p {alias: A}\nchildren: [*p]")
        rejects("person: {alias: &a Blåklokke, legal_name: *a}")
    }

    func testEmptyRecordRefusedByTheVault() throws {
        let t = try TestVault()
        TestVault.assertFails([.invalidInput], "empty record") { try t.session("kari").createCase(recordText: "{}") }
        TestVault.assertFails([.invalidInput], "only nulls") { try t.session("kari").createCase(recordText: "person: {alias: null}") }
        XCTAssertEqual(try t.raw().count("case_versions"), 0)
    }

    /// Only contact persons open cases, and only with fields they may write.
    func testWhoMayCreateACase() throws {
        let t = try TestVault()
        for member in ["cecilie", "nils", "lina", "anne", "rita"] {
            TestVault.assertFails([.accessDenied], member) { try t.session(member).createCase(recordText: "case: {type: resident, opened: 2026-11-20}\nperson: {alias: A}") }
        }
        XCTAssertEqual(try t.raw().count("case_versions"), 0)
        XCTAssertNoThrow(try t.session("karl").createCase(recordText: "case: {type: resident, opened: 2026-11-20}\nperson: {alias: A}"))
    }
}
