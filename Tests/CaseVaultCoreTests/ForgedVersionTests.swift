import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import Foundation
import SodiumKit
import XCTest

/// An insider with a valid key on the roster writes versions the library would never write:
/// more than their role allows, or less than the truth. Readers must refuse each one, because
/// "each version is signed by its author" means nothing unless readers check what was signed.
final class ForgedVersionTests: XCTestCase {
    private var t: TestVault!
    private var raw: RawDatabase!
    private var a: CaseID!

    override func setUpWithError() throws {
        t = try TestVault()
        a = try t.sampleCase()
        raw = try t.raw()
    }

    override func tearDown() {
        raw = nil
        t = nil
    }

    /// Seals and stores a next version of `a` written by `member` with the library's own Sealer,
    /// starting from what the member can open, then changed by the closures.
    private func forge(by member: String, policy: Policy? = nil, written: [String], removed: [String] = [],
                       assignments change: (inout [CaseVersion.Assignment]) -> Void = { _ in },
                       fresh: (inout [String: FieldValue]) -> Void = { _ in },
                       carried: (inout [CaseVersion.Field]) -> Void = { _ in }) throws {
        let session = try t.session(member)
        let opened = try session.showCase(a)
        let roster = try t.vault.roster()
        // As the real writer does: re-seal what the author may read and write, carry the rest.
        let access = CaseAccess(policy: try t.vault.policy(), roster: roster, assignments: opened.latest.assignments)
        let author = try XCTUnwrap(roster.entry(member))
        var freshFields = opened.fields.filter { access.writeDecision(author, path: $0.key).isAllowed }
        fresh(&freshFields)
        let stored = Dictionary(uniqueKeysWithValues: opened.latest.fields.map { ($0.path, $0) })
        let readOnly = opened.fields.keys.filter { !access.writeDecision(author, path: $0).isAllowed }.compactMap { stored[$0] }
        var carriedFields = (opened.sealedFields + readOnly).filter { freshFields[$0.path] == nil }.sorted { $0.path < $1.path }
        carried(&carriedFields)
        var assignments = opened.latest.assignments
        change(&assignments)
        let rows = try raw.rows(a)
        let sealer = Sealer(vaultID: t.vault.vaultID, caseID: a, version: UInt64(rows.count + 1), parentHash: Forge.parentHash(after: rows.last!),
                            author: try XCTUnwrap(roster.entry(member)), created: .now(), roster: roster, policy: try policy ?? t.vault.policy(),
                            assignments: assignments)
        let sealed = try sealer.seal(fresh: freshFields, carried: carriedFields, written: written, removed: removed,
                                     signingKey: t.identity(member).signingKey)
        try raw.insert(a, version: Int64(sealed.version.version), body: sealed.body, signature: sealed.signature)
    }

    private func assertRefused(_ what: String, readers: [String] = ["kari", "nils", "lina"], file: StaticString = #filePath, line: UInt = #line) throws {
        for r in readers {
            let s = try t.session(r)
            TestVault.assertFails([.authenticationFailed], "\(what), read by \(r)", file: file, line: line) { try s.showCase(a) }
        }
    }

    private let note = ["notes[2].date": FieldValue.text("2026-11-25"), "notes[2].text": .text("Ringte kl. 02.10")]

    /// The forging helper itself writes acceptable versions when the author stays within bounds.
    func testHonestVersionsThroughTheHelperAreAccepted() throws {
        try forge(by: "nils", written: Array(note.keys), fresh: { $0.merge(self.note) { $1 } })
        let kari = try t.session("kari").showCase(a)
        XCTAssertEqual(kari.fields["notes[2].text"], .text("Ringte kl. 02.10"))
        XCTAssertEqual(kari.fields["threats[0].narrative"], try TestVault.sampleFields()["threats[0].narrative"])
        try forge(by: "kari", written: ["case.status"], fresh: { $0["case.status"] = .text("on-hold") })
        XCTAssertEqual(try t.session("nils").showCase(a).fields["case.status"], .text("on-hold"))
    }

    func testWritingAFieldTheRoleMayNotWriteIsRefused() throws {
        try forge(by: "nils", written: ["address.new"], fresh: { $0["address.new"] = .text("Falsk vei 1") })
        try assertRefused("night shift writes the new address, listed as written")
    }

    func testUnlistedNewFieldIsRefused() throws {
        try forge(by: "nils", written: Array(note.keys), fresh: {
            $0.merge(self.note) { $1 }
            $0["address.new"] = .text("Falsk vei 1")
        })
        try assertRefused("night shift adds the new address without listing it")
    }

    func testReplacingAFieldTheAuthorCannotReadIsRefused() throws {
        try forge(by: "nils", written: Array(note.keys), fresh: {
            $0.merge(self.note) { $1 }
            $0["threats[0].narrative"] = .text("Alt er i orden.")
        }, carried: { $0.removeAll { $0.path == "threats[0].narrative" } })
        try assertRefused("night shift silently replaces the narrative")
    }

    /// The night shift may read the measures but not write them; re-sealing them for a note
    /// must not be a way to change them.
    func testChangingAReadableButNotWritableFieldIsRefused() throws {
        try forge(by: "nils", written: Array(note.keys), fresh: {
            $0.merge(self.note) { $1 }
            $0["measures[0].valid_to"] = .text("2026-11-01")
        })
        try assertRefused("night shift moves the alarm's end date while adding a note")
    }

    func testDroppingAFieldWithoutListingItIsRefused() throws {
        try forge(by: "nils", written: Array(note.keys), fresh: { $0.merge(self.note) { $1 } },
                  carried: { $0.removeAll { $0.path.hasPrefix("threats[0].") } })
        try assertRefused("night shift drops the adult's threat mapping")
    }

    func testRemovingAFieldTheRoleMayNotWriteIsRefused() throws {
        try forge(by: "nils", written: Array(note.keys), removed: ["threats[0].narrative"], fresh: { $0.merge(self.note) { $1 } },
                  carried: { $0.removeAll { $0.path == "threats[0].narrative" } })
        try assertRefused("night shift removes the narrative, listed as removed")
    }

    func testChangingAssignmentsWithoutTheRightIsRefused() throws {
        try forge(by: "cecilie", written: [], assignments: { $0.append(.init(member: "karl", role: "contact-person")) })
        try assertRefused("child contact assigns a contact person")
        try raw.delete(a, version: 4)
        try forge(by: "nils", written: [], assignments: { $0.removeAll { $0.member == "kari" } })
        try assertRefused("night shift unassigns the contact person", readers: ["nils", "lina", "rita"])
    }

    /// After a stricter policy is in force and used, a version may not fall back to the older one.
    func testPolicyDowngradeIsRefused() throws {
        let strict = Policy.defaultYAML
            .replacingOccurrences(of: "serial: 1", with: "serial: 2")
            .replacingOccurrences(of: "write: [contact-person, child-contact, night-shift]", with: "write: [contact-person, child-contact]")
        _ = try t.session("lina").installPolicy(bytes: Array(strict.utf8))
        TestVault.assertFails([.accessDenied], "night shift note under the strict policy") {
            try t.session("nils").updateCase(a, patchText: "add: {notes: {date: 2026-11-25, text: Ringte}}")
        }
        try t.session("kari").updateCase(a, patchText: "set: {case.status: on-hold}")
        let old = try XCTUnwrap(try t.vault.state().policies[1])
        try forge(by: "nils", policy: old, written: Array(note.keys), fresh: { $0.merge(self.note) { $1 } })
        try assertRefused("night shift signs under the replaced policy")
    }

    func testAuthorNotOnTheRosterIsRefused() throws {
        let rows = try raw.rows(a)
        var v = try CaseVersion.decode(rows.last!.body)
        v.version += 1
        v.parentHash = Forge.parentHash(after: rows.last!)
        v.written = []
        v.classes = []
        let stranger = try SecretIdentity.generate()
        v.author = "mallory"
        try Forge.append(raw, a, v, signedBy: stranger)
        try assertRefused("unknown author")
        try raw.delete(a, version: 4)

        v.author = "kari"
        try Forge.append(raw, a, v, signedBy: stranger)
        try assertRefused("kari's name, a stranger's key")
        try raw.delete(a, version: 4)

        let police = try t.addRecipient("politi-ost", role: .police)
        v.author = "politi-ost"
        v.rosterSerial = try t.vault.roster().serial
        try Forge.append(raw, a, v, signedBy: police)
        try assertRefused("an external recipient as author")
    }
}
