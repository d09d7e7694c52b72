import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import XCTest

/// Updates by patch (set / add / remove): each a new signed version, history kept, fields the
/// author cannot read carried forward untouched, writes checked against the policy.
final class RecordPatchTests: XCTestCase {
    private var t: TestVault!
    private var id: CaseID!
    private var sample: [String: FieldValue] = [:]

    override func setUpWithError() throws {
        t = try TestVault()
        id = try t.sampleCase()
        sample = try TestVault.sampleFields()
    }

    override func tearDown() { t = nil }

    private func fields(_ member: String = "kari") throws -> [String: FieldValue] { try t.session(member).showCase(id).fields }

    func testSetReplacesOneFieldAndKeepsTheRest() throws {
        let v = try t.session("kari").updateCase(id, patchText: "set: {case.status: on-hold, person.language: no}")
        XCTAssertEqual(v, 4)
        var want = sample
        want["case.status"] = .text("on-hold")
        want["person.language"] = .text("no")
        XCTAssertEqual(try fields(), want)
        let latest = try t.raw().latest(id)
        XCTAssertEqual(Set(latest.written), ["case.status", "person.language"])
        XCTAssertEqual(latest.removed, [])
    }

    func testSetAGroupEntryMergesIntoIt() throws {
        try t.session("kari").updateCase(id, patchText: "set:\n  children[0]: {school: Nyskolen}\n  threats[1].police_assessment: {level: høy}\n")
        let f = try fields()
        XCTAssertEqual(f["children[0].school"], .text("Nyskolen"))
        XCTAssertEqual(f["children[0].name"], sample["children[0].name"])
        XCTAssertEqual(f["threats[1].police_assessment.level"], .text("høy"))
        XCTAssertEqual(f["threats[1].police_assessment.tool"], sample["threats[1].police_assessment.tool"])
    }

    func testAddAppendsAtTheNextFreeIndex() throws {
        try t.session("kari").updateCase(id, patchText: """
            add:
              notes: [{date: 2026-11-01, text: Første}, {date: 2026-11-02, text: Andre}]
              children: {alias: Lillebror, birth_date: 2023-03-01}
              threats[0].perpetrators: {relation: bror, name: Per Fiktiv}
            """)
        let f = try fields()
        XCTAssertEqual(f["notes[0].text"], sample["notes[0].text"])
        XCTAssertEqual(f["notes[1].text"], sample["notes[1].text"])
        XCTAssertEqual(f["notes[2].text"], .text("Første"))
        XCTAssertEqual(f["notes[3].text"], .text("Andre"))
        XCTAssertEqual(f["children[1].alias"], .text("Lillebror"))
        XCTAssertEqual(f["threats[0].perpetrators[1].relation"], .text("bror"))
        XCTAssertEqual(f["children[0].alias"], sample["children[0].alias"])
    }

    func testAddAfterASetIndexDoesNotOverwriteIt() throws {
        try t.session("kari").updateCase(id, patchText: "set: {\"children[1]\": {alias: Første}}\nadd: {children: {alias: Andre}}")
        let f = try fields()
        XCTAssertEqual(f["children[1].alias"], .text("Første"))
        XCTAssertEqual(f["children[2].alias"], .text("Andre"))
    }

    func testRemoveDeletesAFieldOrAWholeEntry() throws {
        try t.session("kari").updateCase(id, patchText: "remove: [\"children[0]\", address.current, \"threats[1].police_assessment\", \"threats[1].subject\"]")
        let f = try fields()
        XCTAssertTrue(f.keys.allSatisfy { !$0.hasPrefix("children[0].") })
        XCTAssertNil(f["address.current"])
        XCTAssertTrue(f.keys.allSatisfy { !$0.hasPrefix("threats[1].police_assessment.") })
        XCTAssertEqual(f["threats[1].narrative"], sample["threats[1].narrative"])
        XCTAssertEqual(f["address.new"], sample["address.new"])
        let latest = try t.raw().latest(id)
        XCTAssertEqual(Set(latest.removed), Set(sample.keys.filter { $0.hasPrefix("children[0].") || $0 == "address.current"
            || $0.hasPrefix("threats[1].police_assessment.") || $0 == "threats[1].subject" }))
        XCTAssertEqual(latest.written, [])
    }

    func testSetWinsOverRemoveInOnePatch() throws {
        try t.session("kari").updateCase(id, patchText: "set: {case.status: closed}\nremove: [case]")
        let f = try fields()
        XCTAssertEqual(f["case.status"], .text("closed"))
        XCTAssertNil(f["case.type"])
        XCTAssertNil(f["case.phase"])
    }

    /// The night shift may add a note but not read notes: the note is sealed only to those who
    /// may read it, and the notes already there survive, carried forward byte for byte.
    func testNightShiftAddsANoteItCannotReadBack() throws {
        let before = try t.raw().latest(id)
        let nils = try t.session("nils")
        XCTAssertEqual(try nils.updateCase(id, patchText: "add: {notes: {date: 2026-11-25, text: \"Ringte kl. 02.10, ba om å få snakke med beboer\"}}"), 4)

        let seenByNils = try nils.showCase(id)
        XCTAssertNil(seenByNils.fields["notes[2].text"])
        XCTAssertTrue(seenByNils.sealedPaths.contains("notes[2].text"))
        XCTAssertTrue(seenByNils.sealedPaths.contains("notes[0].text"))

        let f = try fields("kari")
        XCTAssertEqual(f["notes[2].text"], .text("Ringte kl. 02.10, ba om å få snakke med beboer"))
        XCTAssertEqual(f["notes[2].date"], .text("2026-11-25"))
        XCTAssertEqual(f["notes[0].text"], sample["notes[0].text"])
        XCTAssertEqual(f["notes[1].text"], sample["notes[1].text"])
        XCTAssertEqual(f["threats[0].narrative"], sample["threats[0].narrative"])
        XCTAssertEqual(f.count, sample.count + 2)
        XCTAssertEqual(try fields("rita")["notes[2].text"], .text("Ringte kl. 02.10, ba om å få snakke med beboer"))

        let after = try t.raw().latest(id)
        XCTAssertEqual(after.author, "nils")
        XCTAssertEqual(Set(after.written), ["notes[2].date", "notes[2].text"])
        for path in ["notes[0].text", "notes[1].date", "threats[0].narrative", "address.new"] {
            XCTAssertEqual(after.fields.first { $0.path == path }, before.fields.first { $0.path == path }, "\(path) must be carried forward unchanged")
        }
        let noteClass = try XCTUnwrap(after.fields.first { $0.path == "notes[2].text" }).key
        let recipients = try XCTUnwrap(after.classes.first { $0.index == noteClass.index }).envelopes.map { t.testID($0.member) }
        XCTAssertEqual(Set(recipients), ["kari", "rita"], "the new note is sealed to its readers only, not to its author")
    }

    func testAuthorWithoutWritePermissionIsRefused() throws {
        let raw = try t.raw()
        let before = try raw.contentDigest()
        let attempts: [(String, String)] = [
            ("cecilie", "set: {address.new: Et annet sted 1}"),
            ("cecilie", "set: {\"children[0]\": {school: Ny}, person.alias: Nytt}"),
            ("nils", "set: {\"measures[0].valid_to\": 2026-11-01}"),
            ("nils", "set: {safety.alarm_active: false}"),
            ("rita", "set: {person.language: engelsk}"),
            ("rita", "add: {notes: {text: Hei}}"),
            ("lina", "set: {person.alias: Nytt}"),
            ("lina", "remove: [\"threats[0]\"]"),
            ("anne", "set: {case.status: closed}"),
        ]
        for (member, patch) in attempts {
            TestVault.assertFails(member == "anne" ? [.notFound] : [.accessDenied], "\(member): \(patch)") {
                try t.session(member).updateCase(id, patchText: patch)
            }
        }
        XCTAssertEqual(try raw.contentDigest(), before, "refused updates leave the vault unchanged")
        // Within their rights, the same members can write.
        XCTAssertNoThrow(try t.session("cecilie").updateCase(id, patchText: "set: {\"children[0]\": {school: Ny}}"))
        XCTAssertNoThrow(try t.session("lina").updateCase(id, patchText: "set: {case.status: closed}"))
        XCTAssertEqual(try fields()["children[0].school"], .text("Ny"))
        XCTAssertEqual(try fields()["case.status"], .text("closed"))
    }

    /// Adding is not overwriting: a writer who cannot read the notes may add one, but must not
    /// replace or delete the notes that others wrote and they cannot even see.
    func testNightShiftCannotOverwriteOrRemoveNotesItCannotRead() throws {
        let raw = try t.raw()
        let before = try raw.contentDigest()
        for patch in ["remove: [\"notes[0]\"]", "remove: [\"notes[1]\"]", "set: {\"notes[1].text\": Ingenting å melde}"] {
            TestVault.assertFails([.accessDenied], "nils: \(patch)") { try t.session("nils").updateCase(id, patchText: patch) }
        }
        XCTAssertEqual(try raw.contentDigest(), before)
        XCTAssertEqual(try fields()["notes[1].text"], sample["notes[1].text"])
    }

    func testInvalidPatchesAreRefusedAndChangeNothing() throws {
        let raw = try t.raw()
        let before = try raw.contentDigest()
        for patch in ["{}", "set: {}", "replace: {case.status: closed}", "set: {case.status: null}", "set: {case.colour: red}",
                      "set: {case.status: shut}", "set: {case.opened: 2026-02-30}", "set: {person.national_id: \"15058512344\"}",
                      "set: {\"children[01].alias\": A}", "set: {\"children[-1].alias\": A}", "set: {\"children[x].alias\": A}",
                      "set: {\"children[0]\": Maur}", "add: {person: {alias: A}}", "add: {notes: Hei}", "add: {\"notes[0]\": {text: Hei}}",
                      "remove: address.new", "remove: [address.nowhere]", "remove: [[notes]]", "remove: [\"children[0\"]", "set: [case.status]",
                      "set: {case.status: closed}\nset: {case.phase: 3}", "- set", "set: {case.status: closed", ""] {
            TestVault.assertFails([.invalidInput], "patch \(patch.debugDescription)") { try t.session("kari").updateCase(id, patchText: patch) }
        }
        XCTAssertEqual(try raw.contentDigest(), before)
    }

    func testHistoryKeepsEveryVersionAndTheChainGrows() throws {
        let kari = try t.session("kari")
        try kari.updateCase(id, patchText: "set: {case.phase: 3}")
        try t.session("nils").updateCase(id, patchText: "add: {notes: {text: Natt}}")
        try kari.updateCase(id, patchText: "remove: [\"notes[2]\"]")
        let history = try kari.history(id)
        XCTAssertEqual(history.map(\.version), [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(history.map(\.author), ["kari", "kari", "kari", "kari", "nils", "kari"])
        XCTAssertEqual(Set(history[0].written), Set(sample.keys))
        XCTAssertEqual(history[3].written, ["case.phase"])
        XCTAssertEqual(history[4].written, ["notes[2].text"])
        XCTAssertEqual(history[5].removed, ["notes[2].text"])
        XCTAssertEqual(history[1].assignments.map(\.member).sorted(), ["cecilie", "kari"])
        for (i, v) in history.enumerated().dropFirst() {
            XCTAssertGreaterThanOrEqual(v.created, history[i - 1].created)
        }
        let rows = try t.raw().rows(id)
        XCTAssertEqual(rows.count, 6)
        for i in 1..<rows.count {
            XCTAssertEqual(try CaseVersion.decode(rows[i].body).parentHash, Forge.parentHash(after: rows[i - 1]))
        }
        XCTAssertEqual(try kari.showCase(id).fields["case.phase"], .integer(3))
        XCTAssertEqual(try t.session("nils").history(id).count, 6, "night shift sees the history metadata")
        TestVault.assertFails([.notFound], "karl history") { try t.session("karl").history(id) }
    }
}
