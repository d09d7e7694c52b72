import CaseVaultSamples
import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import Foundation
import GRDB
import SodiumKit
import XCTest

/// The centre root comes from the member's own pin, never from the vault.
final class TrustRootTests: XCTestCase {
    /// The attack from the field: a new root re-signs every roster and policy (same vault id) and
    /// adds "mallory" as leader and contact person. The library alone accepts it; the pin does not.
    func testARootSubstitutedInPlaceIsRefusedNamingBothFingerprints() throws {
        let t = try TestVault()
        let kari = try TrustClient(t, "kari")
        let id = try kari.run { try $0.createCase(recordText: SampleCase.yaml) }
        let mallory = try SecretIdentity.generate(withCentreRoot: true)
        let fakeRoot = try XCTUnwrap(mallory.centreRootKey)
        let raw = try t.raw()
        let history = try t.vault.rosterHistory()
        try raw.execute("DELETE FROM rosters")
        for (i, signed) in history.enumerated() {
            var roster = signed.roster
            roster.rootKey = fakeRoot.publicKey
            if i == history.count - 1 {
                roster.entries.append(RosterEntry(kind: .member, id: "mallory", name: "Mallory", roles: [.leader, .contactPerson],
                                                  identity: mallory.publicIdentity, added: roster.issued))
            }
            try raw.execute("INSERT INTO rosters (serial, text) VALUES (?, ?)", [i + 1, try SignedRoster(roster: roster, signedBy: fakeRoot).fileText])
        }
        let policy = try Policy(bytes: Policy.makeDefault().sourceBytes)
        try raw.execute("UPDATE policies SET signature = ?", [Data(PolicySigning.sign(policy, vault: t.vault.vaultID, root: fakeRoot))])
        try raw.execute("UPDATE meta SET value = ? WHERE key = 'root_key'", [Base64.encode(fakeRoot.publicKey.bytes)])
        let roleKeyBodies = try raw.queue.read { db in try Row.fetchAll(db, sql: "SELECT key, epoch, body FROM role_key_records") }
        for row in roleKeyBodies {
            let body: Data = row["body"], key: String = row["key"], epoch: Int64 = row["epoch"]
            try raw.execute("UPDATE role_key_records SET signature = ? WHERE key = ? AND epoch = ?",
                            [Data(fakeRoot.signature(for: RoleKeyRecord.signatureDomain + [UInt8](body))), key, epoch])
        }

        let substituted = try Vault.open(at: t.directory)
        XCTAssertNoThrow(try Session(vault: substituted, identity: mallory).listCases(), "without a pin the substitution would pass")
        assertRefused([.authenticationFailed], "substituted root", mentioning: ["substituted", t.vault.rootFingerprint, substituted.rootFingerprint]) {
            try kari.run(substituted) { try $0.showCase(id) }
        }
        // The auditor with the published fingerprint refuses an export of it too.
        let export = t.directory + "/export"
        _ = try Session(vault: substituted, identity: mallory).exportAudit(to: export)
        XCTAssertThrowsError(try AuditVerifier(folder: export, options: .init(rootFingerprint: t.vault.rootFingerprint)).verify())
        XCTAssertThrowsError(try AuditVerifier(folder: export).verify(), "unpinned is refused, not \"Verified.\"")
    }

    func testAWholeOtherVaultCopiedOverIsRefused() throws {
        let t = try TestVault()
        let kari = try TrustClient(t, "kari")
        try kari.run { try $0.listCases() }
        let other = try TestVault()
        _ = try other.session("lina").addMember(id: "mallory", name: "Mallory", roles: [.leader], identity: try SecretIdentity.generate().publicIdentity)
        _ = try other.session("lina").addMember(id: "kari2", name: "Kari", roles: [.contactPerson], identity: t.identity("kari").publicIdentity)
        try other.raw().queue.backup(to: try t.raw().queue)
        let copied = try Vault.open(at: t.directory)
        assertRefused([.refused], "other vault", mentioning: ["is not pinned", copied.rootFingerprint, "casevault vault trust"]) {
            try kari.run(copied) { try $0.listCases() }
        }
    }

    func testPinningRefusesAFingerprintThatDiffersAndNeverReplacesAPin() throws {
        let t = try TestVault()
        let kari = try TrustClient(t, "kari", pin: false)
        assertRefused([.refused], "unpinned", mentioning: ["not pinned", "casevault vault trust"]) { try kari.run { try $0.listCases() } }
        let wrong = "0000 1111 2222 3333 4444 5555 6666 7777"
        assertRefused([.authenticationFailed], "wrong fingerprint", mentioning: [wrong, t.vault.rootFingerprint]) {
            try ClientAnchor.pin(vault: t.vault, keyFile: kari.keyFile, fingerprint: wrong)
        }
        try ClientAnchor.pin(vault: t.vault, keyFile: kari.keyFile, fingerprint: t.vault.rootFingerprint.uppercased().replacingOccurrences(of: " ", with: ""))
        let trustPath = TrustFile.path(forKeyFile: kari.keyFile)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: trustPath)[.posixPermissions] as? Int, 0o600)
        XCTAssertEqual(try String(contentsOfFile: trustPath, encoding: .utf8),
                       "casevault-trust v1\nvault \(t.vault.vaultID.hex) root \(t.vault.rootFingerprint.replacingOccurrences(of: " ", with: ""))\n")
        XCTAssertNoThrow(try kari.run { try $0.listCases() })
        var file = try TrustFile.load(forKeyFile: kari.keyFile)
        XCTAssertThrowsError(try file.add(vault: t.vault.vaultID, fingerprint: wrong))
        try writePrivate("casevault-trust v2\n", to: trustPath)
        assertRefused([.unsupportedFormat], "unknown trust version", mentioning: ["v2\" is not supported"]) { try kari.run { try $0.listCases() } }
    }

    func testAnUnpinnedAuditVerifyFailsUnlessTrustOnFirstUseIsChosen() throws {
        let t = try TestVault()
        let export = t.directory + "/export"
        _ = try t.session("anne").exportAudit(to: export)
        XCTAssertThrowsError(try AuditVerifier(folder: export).verify()) { e in
            XCTAssertTrue("\(e)".contains("unpinned"), "\(e)")
        }
        let tofu = try AuditVerifier(folder: export, options: .init(trustOnFirstUse: true)).verify()
        XCTAssertFalse(tofu.rootPinned)
        XCTAssertEqual(tofu.rootFingerprint, t.vault.rootFingerprint)
        XCTAssertTrue(try AuditVerifier(folder: export, options: .init(rootFingerprint: t.vault.rootFingerprint)).verify().rootPinned)
    }
}
