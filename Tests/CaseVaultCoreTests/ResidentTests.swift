import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import CaseVaultSamples
import Foundation
import SodiumKit
import XCTest

/// Residents are on no roster: a resident's key is bound to her case under a pseudonym by the
/// case's contact person. She reads her own case and access report; nothing published names her.
final class ResidentTests: XCTestCase {
    private var f: AuditFixture!
    private var t: TestVault { f.t }
    static let canary = "Canary Nordmann-7f3a"

    override func setUpWithError() throws { f = try AuditFixture() }
    override func tearDown() { f = nil }

    func testTheResidentIsOnNoRosterAndReadsHerOwnCaseAndReport() throws {
        let roster = try f.vault.roster()
        XCTAssertNil(roster.entry("rita"))
        XCTAssertFalse(roster.entries.contains { $0.roles.contains(.resident) })
        XCTAssertFalse(roster.text.contains("resident"))
        let pseudonym = try XCTUnwrap(t.residentPseudonym)
        XCTAssertTrue(ResidentBinding.isPseudonym(pseudonym), pseudonym)

        let rita = try t.session("rita")
        XCTAssertEqual(rita.member.id, pseudonym)
        XCTAssertEqual(rita.residentCase, f.caseID)
        let fields = try rita.showCase(f.caseID).fields
        XCTAssertEqual(Set(fields.keys), ExpectedAccess.sample().readable(by: "rita", among: try TestVault.sampleFields().keys))
        XCTAssertEqual(fields["person.legal_name"], .text("Anna Fiktiv Testesen"))
        let report = try rita.accessReport(caseID: f.caseID)
        XCTAssertTrue(report.events.contains { $0.actor == "kari" && $0.action == LogAction.caseRead.rawValue })

        // Another case is not found for her, and she writes nothing.
        let other = try t.session("kari").createCase(recordText: "case: {type: resident, phase: 1, opened: 2026-11-20}\nperson: {alias: Lyng}\n")
        TestVault.assertFails([.notFound], "another case") { try rita.showCase(other) }
        TestVault.assertFails([.accessDenied], "a resident writing") { try rita.updateCase(f.caseID, patchText: "set:\n  case.phase: 3\n") }
        TestVault.assertFails([.accessDenied], "a resident listing the roster") { try rita.listMembers() }
        XCTAssertEqual(try rita.listCases().map(\.caseID), [f.caseID])
        // The log holds her reads under the pseudonym, signed by her key, and the export verifies.
        let entries = try storedEntries(t).filter { $0.actor == pseudonym }
        XCTAssertFalse(entries.isEmpty)
        XCTAssertTrue(entries.allSatisfy { $0.signer == t.identity("rita").signingKey.publicKey })
        XCTAssertTrue(entries.filter { $0.action == LogAction.caseRead.rawValue }.allSatisfy { $0.caseID == f.caseID })
        XCTAssertGreaterThan(try f.verify(try f.export()).report().contentReads, 0)
    }

    func testOnlyTheCasesContactPersonBindsAndMemberAddRefusesResidents() throws {
        let key = try SecretIdentity.generate().publicIdentity
        TestVault.assertFails([.accessDenied, .notFound], "unassigned contact person") { try t.session("karl").addResident(f.caseID, identity: key) }
        TestVault.assertFails([.accessDenied, .notFound], "leader") { try t.session("lina").addResident(f.caseID, identity: key) }
        TestVault.assertFails([.invalidInput], "a key bound twice") { try t.session("kari").addResident(f.caseID, identity: t.identity("rita").publicIdentity) }
        TestVault.assertFails([.invalidInput], "a staff key") { try t.session("kari").addResident(f.caseID, identity: t.identity("nils").publicIdentity) }
        let refused = TestVault.assertFails([.invalidInput], "member add --role resident") {
            try t.session("lina").addMember(id: "rita2", name: "Rita", roles: [.resident], identity: key)
        }
        XCTAssertTrue(refused?.message.contains("case add-resident") == true, refused?.message ?? "")
        TestVault.assertFails([.invalidInput], "a pseudonym-shaped member id") {
            try t.session("lina").addMember(id: "p-0123456789abcdef", name: "X", roles: [.nightShift], identity: key)
        }
    }

    /// A binding row written straight into the database is refused: at session opening when
    /// its signature is not a member's, and by every reader of the case when no version of a
    /// contact person of the case stands behind it.
    func testAForgedBindingIsRefused() throws {
        let mallory = try SecretIdentity.generate()
        let raw = try t.raw()
        try raw.execute("""
            INSERT INTO resident_bindings (pseudonym, format, case_id, box_key, sign_key, binder, bound_at, signature)
            VALUES ('p-00112233445566aa', 1, ?, ?, ?, 'kari', 3, ?)
            """, [Data(f.caseID.bytes), Data(mallory.publicIdentity.boxKey.bytes), Data(mallory.publicIdentity.signingKey.bytes), Data(count: 64)])
        TestVault.assertFails([.accessDenied, .authenticationFailed], "forged binding opens a session") { try Session(vault: f.vault, identity: mallory) }
        TestVault.assertFails([.authenticationFailed], "reading a case with a forged binding") { try t.session("kari").showCase(f.caseID) }
        try raw.execute("DELETE FROM resident_bindings WHERE pseudonym = 'p-00112233445566aa'")

        // Correctly signed, by a contact person who never assigned it in this case: still refused.
        let pseudonym = try XCTUnwrap(t.residentPseudonym)
        let forged = try ResidentBinding.signed(vaultID: f.vault.vaultID, caseID: f.caseID, pseudonym: pseudonym, identity: mallory.publicIdentity,
                                                binder: "karl", boundAt: 3, key: t.identity("karl").signingKey)
        try raw.execute("UPDATE resident_bindings SET box_key = ?, sign_key = ?, binder = 'karl', signature = ? WHERE pseudonym = ?",
                        [Data(mallory.publicIdentity.boxKey.bytes), Data(mallory.publicIdentity.signingKey.bytes), Data(forged.signature), pseudonym])
        TestVault.assertFails([.authenticationFailed], "re-bound by another contact person") { try t.session("kari").showCase(f.caseID) }
        TestVault.assertFails([.authenticationFailed, .notFound], "the forged key reading") { try Session(vault: f.vault, identity: mallory).showCase(f.caseID) }
    }

    func testRemovingTheResidentEndsHerAccess() throws {
        let pseudonym = try XCTUnwrap(t.residentPseudonym)
        let version = try t.session("kari").removeResident(f.caseID, pseudonym: pseudonym)
        let latest = try t.session("kari").showCase(f.caseID).latest
        XCTAssertEqual(latest.version, version)
        XCTAssertFalse(latest.assignments.contains { $0.member == pseudonym })
        XCTAssertFalse(latest.classes.contains { $0.envelopes.contains { $0.member == pseudonym } })
        TestVault.assertFails([.accessDenied], "an unbound key") { try t.session("rita").showCase(f.caseID) }
        XCTAssertTrue(try storedEntries(t).contains { $0.action == LogAction.caseUnbindKey.rawValue && $0.detailValue("holder") == pseudonym })
        XCTAssertNoThrow(try f.verify(try f.export()).report())
    }

    func testMemberListNeedsAStaffIdentityAndIsLogged() throws {
        let roster = try t.session("nils").listMembers()
        XCTAssertEqual(roster.members.map(\.id), ["lina", "kari", "karl", "cecilie", "nils", "anne"])
        let last = try XCTUnwrap(storedEntries(t).last)
        XCTAssertEqual(last.action, LogAction.memberList.rawValue)
        XCTAssertEqual(last.actor, "nils")
    }

    func testTheKeyringAndTheVaultFilesArePrivate() throws {
        for name in ["Keys/keyring.txt", "vault.sqlite", "vault.sqlite-wal", "vault.sqlite-shm"] {
            let path = t.directory + "/" + name
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let mode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
            XCTAssertEqual(mode & 0o077, 0, "\(name) is mode \(String(mode, radix: 8))")
        }
        // A keyring left world-readable by an older CaseVault is made private when the vault is opened.
        let keyring = t.directory + "/Keys/keyring.txt"
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keyring)
        _ = try Vault.open(at: t.directory)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: keyring)[.posixPermissions] as? Int, 0o600)
    }

    /// A canary name set on a resident reaches her own case's readers only: not the keyring, the
    /// roster, the log, the export, or any other role's output.
    func testACanaryResidentNameReachesOnlyHerCasesReaders() throws {
        let kari = try t.session("kari")
        let resident = try SecretIdentity.generate()
        let record = SampleCase.yaml.replacingOccurrences(of: "Anna Fiktiv Testesen", with: Self.canary)
        let id = try kari.createCase(recordText: record)
        _ = try kari.addResident(id, identity: resident.publicIdentity)
        let own = try Session(vault: f.vault, identity: resident)
        XCTAssertEqual(try own.showCase(id).fields["person.legal_name"], .text(Self.canary), "her own case's readers see it")
        XCTAssertEqual(try kari.showCase(id).fields["person.legal_name"], .text(Self.canary))
        _ = try own.accessReport(caseID: id)

        var outputs: [String] = []
        outputs.append(try String(contentsOfFile: t.directory + "/Keys/keyring.txt", encoding: .utf8))
        for m in ["nils", "lina", "anne", "cecilie", "karl", "kari"] { outputs += try t.session(m).listMembers().entries.map(\.certifiedText) }
        for m in ["nils", "lina", "cecilie"] {
            let s = try t.session(m)
            if let opened = try? s.showCase(id) { outputs += opened.fields.map { "\($0.key) \($0.value)" } }
            outputs += try s.listCases().map { "\($0)" }
        }
        outputs += try storedEntries(t).map(\.text)
        let anne = try t.session("anne")
        outputs.append(try anne.accessReport(caseID: id).text)
        outputs += try anne.auditLog(filter: AuditFilter()).map(\.text)
        let dir = try f.export()
        for name in try FileManager.default.subpathsOfDirectory(atPath: dir) {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir + "/" + name, isDirectory: &isDir), !isDir.boolValue else { continue }
            outputs.append(String(decoding: try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name)), as: UTF8.self))
        }
        outputs += try f.verify(dir).report().summaryLines
        for (i, text) in outputs.enumerated() {
            XCTAssertFalse(text.contains("Canary"), "output \(i) names the resident: \(text.prefix(200))")
            XCTAssertFalse(text.contains("roles resident"), "output \(i) marks someone as a resident")
        }
    }
}
