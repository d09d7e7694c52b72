import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import SodiumKit
import XCTest

/// After a removal, the removed member, reading vault.sqlite directly and trying their key on
/// every envelope, opens nothing in the re-sealed head nor in anything written afterwards.
final class ResealTests: XCTestCase {
    private var t: TestVault!
    private var a: CaseID!

    override func setUpWithError() throws {
        t = try TestVault()
        a = try t.sampleCase()
    }

    override func tearDown() { t = nil }

    /// What `member`'s own box key, and every role key whose seed was ever sealed to them, opens
    /// in the stored head (every envelope tried, every field).
    private func openedFromDatabase(by member: String) throws -> [String: FieldValue] {
        let raw = try t.raw()
        let chain = try raw.decoded(a)
        let box = t.identity(member).boxKey
        let keys = RawField.classKeys(in: chain, boxes: [box] + Array(try raw.roleKeys(holder: member, box: box).values))
        return RawField.readable(chain.last!, chain: chain, keys: keys)
    }

    private func resealEntries() throws -> [LogEntry] {
        try t.session("anne").auditLog(filter: AuditFilter(caseID: a, action: "case.reseal"))
    }

    func testTheRemovedMemberReadsBeforeTheRemoval() throws {
        XCTAssertFalse(try openedFromDatabase(by: "cecilie").isEmpty, "the raw reader works: cecilie reads the head while assigned")
        XCTAssertFalse(try openedFromDatabase(by: "nils").isEmpty)
    }

    func testUnassignedByTheContactPersonIsResealedAtOnce() throws {
        try t.session("kari").assign(a, memberID: "cecilie", role: .childContact, remove: true)
        XCTAssertEqual(try openedFromDatabase(by: "cecilie"), [:])
        try t.session("kari").updateCase(a, patchText: "add: {notes: {date: 2026-11-25, text: Ringte}}")
        XCTAssertEqual(try openedFromDatabase(by: "cecilie"), [:], "nothing written afterwards")
        XCTAssertEqual(try t.session("kari").showCase(a).fields, try TestVault.sampleFields().merging(
            ["notes[2].date": .text("2026-11-25"), "notes[2].text": .text("Ringte")]) { $1 }, "values unchanged by re-sealing")
    }

    func testUnassignedByTheLeaderIsResealedByTheNextReader() throws {
        try t.session("lina").assign(a, memberID: "cecilie", role: .childContact, remove: true)
        XCTAssertFalse(try openedFromDatabase(by: "cecilie").isEmpty, "the leader cannot read what cecilie read: stale until a reader comes")
        let before = try t.raw().rows(a).count
        _ = try t.session("kari").showCase(a)
        XCTAssertEqual(try t.raw().rows(a).count, before + 1, "kari's read re-sealed the head")
        XCTAssertEqual(try openedFromDatabase(by: "cecilie"), [:])
        XCTAssertEqual(try resealEntries().last?.actor, "kari")
        _ = try t.session("kari").showCase(a)
        XCTAssertEqual(try t.raw().rows(a).count, before + 1, "a head that is not stale is not re-sealed again")
    }

    func testRevokedMemberOpensNothingAfterListingByAReader() throws {
        _ = try t.session("lina").revoke(id: "nils", kind: .member)
        XCTAssertEqual(try resealEntries().last?.actor, "lina", "the leader's client re-sealed what it reads at once")
        _ = try t.session("kari").listCases()
        XCTAssertEqual(try openedFromDatabase(by: "nils"), [:])
        try t.session("kari").updateCase(a, patchText: "set: {case.status: on-hold}")
        XCTAssertEqual(try openedFromDatabase(by: "nils"), [:])
        XCTAssertEqual(try t.session("kari").showCase(a).fields["person.alias"], try TestVault.sampleFields()["person.alias"])
    }

    func testNarrowedPolicyLeavesTheRoleNothingItLost() throws {
        let narrowed = Policy.defaultYAML
            .replacingOccurrences(of: "serial: 1", with: "serial: 2")
            .replacingOccurrences(of: "person.alias:              {read: [contact-person, child-contact, night-shift, leader, police, resident]",
                                  with: "person.alias:              {read: [contact-person, child-contact, leader, police, resident]")
            .replacingOccurrences(of: "measures[].type:        {read: [contact-person, child-contact, night-shift, police, resident]",
                                  with: "measures[].type:        {read: [contact-person, child-contact, police, resident]")
        XCTAssertNotEqual(narrowed, Policy.defaultYAML.replacingOccurrences(of: "serial: 1", with: "serial: 2"))
        _ = try t.session("lina").installPolicy(bytes: Array(narrowed.utf8))
        XCTAssertNil(try openedFromDatabase(by: "nils")["person.alias"], "the leader reads the alias: re-sealed eagerly")
        XCTAssertNotNil(try openedFromDatabase(by: "nils")["measures[0].type"], "the leader cannot read measures: stale until a reader")
        _ = try t.session("kari").showCase(a)
        let left = try openedFromDatabase(by: "nils")
        XCTAssertFalse(left.keys.contains { ["person.alias", "measures[].type"].contains(FieldCatalog.pattern(ofPath: $0)) }, "\(left.keys.sorted())")
        XCTAssertNotNil(left["children[0].alias"], "what the role still reads stays readable")
    }

    /// A widening reaches a centre-wide role by no grant (grants go to members): the head is stale
    /// until a reader of the field re-seals it to the role's key.
    func testWidenedPolicyGivesTheRoleWhatItGained() throws {
        let widened = Policy.defaultYAML
            .replacingOccurrences(of: "serial: 1", with: "serial: 2")
            .replacingOccurrences(of: "notes[].text: {read: [contact-person, resident]", with: "notes[].text: {read: [contact-person, night-shift, resident]")
        XCTAssertNotEqual(widened, Policy.defaultYAML.replacingOccurrences(of: "serial: 1", with: "serial: 2"))
        _ = try t.session("lina").installPolicy(bytes: Array(widened.utf8))
        XCTAssertNil(try t.session("nils").showCase(a).fields["notes[0].text"], "the leader reads no notes: nobody re-sealed them yet")
        let before = try t.raw().rows(a).count
        _ = try t.session("kari").showCase(a)
        XCTAssertEqual(try t.raw().rows(a).count, before + 1, "kari's read re-sealed the head")
        XCTAssertEqual(try t.session("nils").showCase(a).fields["notes[0].text"], try TestVault.sampleFields()["notes[0].text"])
        XCTAssertNil(try t.session("nils").showCase(a).fields["notes[0].date"], "what the role did not gain stays sealed")
        _ = try t.session("kari").showCase(a)
        XCTAssertEqual(try t.raw().rows(a).count, before + 1, "a head that is not stale is not re-sealed again")
    }

    func testResealCommandKeepsValuesAndIsLogged() throws {
        let before = try t.raw().latest(a)
        let version = try t.session("nils").reseal(a)
        let after = try t.raw().latest(a)
        XCTAssertEqual(after.version, version)
        XCTAssertEqual(after.written, [])
        let old = Dictionary(uniqueKeysWithValues: before.fields.map { ($0.path, $0) })
        let alias = try XCTUnwrap(after.fields.first { $0.path == "person.alias" })
        XCTAssertEqual(alias.key.generation, version, "re-sealed under this version's key")
        XCTAssertEqual(alias.origin, old["person.alias"]?.origin, "origin kept")
        XCTAssertEqual(alias.vc, old["person.alias"]?.vc, "commitment kept")
        XCTAssertEqual(try t.session("kari").showCase(a).fields, try TestVault.sampleFields())
        XCTAssertEqual(try resealEntries().last?.detailValue("version"), String(version))
        TestVault.assertFails([.notFound], "the auditor does not reach the case") { try t.session("anne").reseal(a) }
    }
}
