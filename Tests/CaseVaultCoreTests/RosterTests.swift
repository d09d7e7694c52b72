import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import Foundation
import SodiumKit
import XCTest

/// The signed roster: its canonical text (also Keys/keyring.txt), refusal of any change not
/// signed by the centre root, revocation, and sessions only for keys on the roster.
final class RosterTests: XCTestCase {
    private var t: TestVault!

    override func setUpWithError() throws { t = try TestVault() }
    override func tearDown() { t = nil }

    private var keyringText: String { get throws { try String(contentsOfFile: t.directory + "/Keys/keyring.txt", encoding: .utf8) } }

    func testKeyringFileIsTheSignedRosterAndRoundTrips() throws {
        let text = try keyringText
        let signed = try SignedRoster(fileText: text, trustedRoot: t.vault.rootKey)
        XCTAssertEqual(signed.roster, try t.vault.roster())
        XCTAssertEqual(signed.fileText, text, "one roster, one spelling")
        XCTAssertEqual(signed.roster.serial, 6)
        XCTAssertEqual(signed.roster.members.map(\.id), ["lina", "kari", "karl", "cecilie", "nils", "anne"])
        XCTAssertEqual(signed.roster.entry("nils")?.roles, [.nightShift])
        XCTAssertEqual(signed.roster.entry("kari")?.identity, t.identity("kari").publicIdentity)
        XCTAssertTrue(text.hasPrefix(Roster.header + "\n"))
        // Reviewable in a diff: one fact per line, each entry a block.
        XCTAssertTrue(text.contains("\nmember kari\nname Kari\nroles contact-person\n"))
        XCTAssertFalse(text.contains("\r"))
        XCTAssertEqual(try SignedRoster(fileText: signed.fileText, trustedRoot: t.vault.rootKey), signed)
        // The history: every serial from 1, the first holding only the leader.
        let history = try t.vault.rosterHistory()
        XCTAssertEqual(history.map(\.roster.serial), Array(1...6))
        XCTAssertEqual(history[0].roster.members.map(\.id), ["lina"])
    }

    func testEveryRosterChangeIsExportedToKeys() throws {
        _ = try t.session("lina").revoke(id: "karl", kind: .member)
        let signed = try SignedRoster(fileText: try keyringText, trustedRoot: t.vault.rootKey)
        XCTAssertEqual(signed.roster.serial, 7)
        XCTAssertNotNil(signed.roster.entry("karl")?.revoked)
        XCTAssertTrue(try keyringText.contains("\nrevoked "))
    }

    func testChangedKeyringTextIsRefused() throws {
        let text = try keyringText
        let root = t.vault.rootKey
        let kariBox = Base64.encode(t.identity("kari").boxKey.publicKey.bytes)
        let nilsBox = Base64.encode(t.identity("nils").boxKey.publicKey.bytes)
        let changes: [(String, String)] = [
            ("roles night-shift", "roles leader"),
            ("roles contact-person\n", "roles contact-person night-shift\n"),
            ("name Kari", "name Kari Nordmann"),
            ("member nils", "member nils2"),
            ("serial 6", "serial 7"),
            (kariBox, nilsBox),
            ("member anne", "recipient anne"),
        ]
        for (from, to) in changes {
            XCTAssertTrue(text.contains(from), from)
            let changed = text.replacingOccurrences(of: from, with: to)
            TestVault.assertFails(.tampered, "\(from) → \(to)") { try SignedRoster(fileText: changed, trustedRoot: root) }
        }
        // Dropping a whole entry (e.g. to hide a member) breaks the roster signature.
        let blocks = text.components(separatedBy: "\n\n")
        let withoutNils = blocks.filter { !$0.hasPrefix("member nils\n") }.joined(separator: "\n\n")
        XCTAssertNotEqual(withoutNils, text)
        TestVault.assertFails(.tampered, "entry removed") { try SignedRoster(fileText: withoutNils, trustedRoot: root) }
        // Spelling changes that keep the meaning are refused too: one roster, one spelling.
        for changed in [text.replacingOccurrences(of: "\n", with: "\r\n"), text.replacingOccurrences(of: "name Kari", with: "name  Kari"),
                        text + "\n", " " + text, String(text.dropLast())] {
            TestVault.assertFails(.tampered, "respelled") { try SignedRoster(fileText: changed, trustedRoot: root) }
        }
        TestVault.assertFails([.authenticationFailed], "another centre's root") {
            try SignedRoster(fileText: text, trustedRoot: try SigningSecretKey.generate().publicKey)
        }
        TestVault.assertFails([.unsupportedFormat], "unsigned") {
            try SignedRoster(fileText: String(text[..<text.range(of: "\nsignature ")!.lowerBound]) + "\n", trustedRoot: root)
        }
        TestVault.assertFails([.unsupportedFormat], "newer format") {
            try SignedRoster(fileText: text.replacingOccurrences(of: "casevault-roster v2", with: "casevault-roster v3"), trustedRoot: root)
        }
    }

    /// A roster re-signed by some other key that claims to be the root: refused, because the
    /// trusted root comes from the vault, not from the file.
    func testRosterSignedByAnotherRootIsRefused() throws {
        let mallory = try SecretIdentity.generate(withCentreRoot: true)
        var roster = try t.vault.roster()
        roster.rootKey = mallory.centreRootKey!.publicKey
        roster.entries.append(RosterEntry(kind: .member, id: "mallory", name: "Mallory", roles: [.leader], identity: mallory.publicIdentity, added: .now()))
        let forged = try SignedRoster(roster: roster, signedBy: mallory.centreRootKey!)
        TestVault.assertFails([.authenticationFailed], "a roster under another root") {
            try SignedRoster(fileText: forged.fileText, trustedRoot: t.vault.rootKey)
        }
        try t.raw().execute("INSERT INTO rosters (serial, text) VALUES (7, ?)", [forged.fileText])
        TestVault.assertFails(.tampered, "forged roster row") { try t.vault.roster() }
        TestVault.assertFails(.tampered, "session under a forged roster") { try Session(vault: t.vault, identity: mallory) }
    }

    func testUnknownKeysGetNoSession() throws {
        TestVault.assertFails([.accessDenied], "a key not on the roster") { try Session(vault: t.vault, identity: try SecretIdentity.generate()) }
        // Half of a member's identity is not enough: both keys must match the roster.
        let kari = t.identity("kari")
        let mixed = SecretIdentity(boxKey: kari.boxKey, signingKey: try SigningSecretKey.generate())
        TestVault.assertFails([.accessDenied], "kari's box key with another signing key") { try Session(vault: t.vault, identity: mixed) }
        let police = try t.addRecipient("politi-ost", role: .police)
        TestVault.assertFails([.accessDenied], "an external recipient") { try Session(vault: t.vault, identity: police) }
    }

    func testRevokedMemberIsNoLongerARecipientNorAnAuthor() throws {
        let id = try t.sampleCase()
        let lina = try t.session("lina")
        _ = try lina.revoke(id: "cecilie", kind: .member)
        TestVault.assertFails([.accessDenied], "revoked member") { try t.session("cecilie") }

        // Still assigned, but the next update seals nothing to her.
        try t.session("kari").updateCase(id, patchText: "set: {\"children[0]\": {school: Nyskolen}}")
        let chain = try t.raw().decoded(id)
        let latest = chain.last!
        XCTAssertTrue(latest.assignments.contains { $0.member == "cecilie" })
        XCTAssertFalse(latest.classes.contains { $0.envelopes.contains { $0.member == "cecilie" } })
        // Her key opens no envelope of the new version, and her old class keys do not open its fields.
        let box = t.identity("cecilie").boxKey
        for cls in latest.classes { for e in cls.envelopes { XCTAssertThrowsError(try SealedBox.open(e.sealedKey, with: box)) } }
        var oldKeys: [SymmetricKey] = []
        for v in chain.dropLast() {
            for cls in v.classes {
                if let e = cls.envelopes.first(where: { $0.member == "cecilie" }) { oldKeys.append(try SymmetricKey(secret: try SealedBox.open(e.sealedKey, with: box))) }
            }
        }
        XCTAssertFalse(oldKeys.isEmpty, "what she could open before stays opened: revocation is not retroactive")
        for f in latest.fields where f.origin == latest.version {
            let ad = CaseVersion.associatedData(vault: latest.vaultID, caseID: id, origin: f.origin, key: f.key, path: f.path)
            for k in oldKeys { XCTAssertThrowsError(try XChaCha20Poly1305.open(f.ciphertext, key: k, nonce: f.nonce, associatedData: ad)) }
        }
        // The others still read the case.
        XCTAssertEqual(try t.session("kari").showCase(id).fields["children[0].school"], .text("Nyskolen"))
        XCTAssertNotNil(try t.session("rita").showCase(id).fields["children[0].school"])
    }

    /// A session obtained before its member was revoked must not write afterwards: such a
    /// version is refused by every reader, so writing it would make the case unreadable.
    func testStaleSessionOfARevokedMemberCannotWrite() throws {
        let id = try t.sampleCase()
        let stale = try t.session("kari")
        _ = try t.session("lina").revoke(id: "kari", kind: .member)
        let revoked = try XCTUnwrap(try t.vault.roster().entry("kari")?.revoked)
        t.clock.advance()
        XCTAssertGreaterThan(t.vault.clock.now(), revoked)
        let before = try t.raw().contentDigest()
        TestVault.assertFails([.accessDenied], "update through a stale session") { try stale.updateCase(id, patchText: "set: {case.status: closed}") }
        TestVault.assertFails([.accessDenied], "new case through a stale session") { try stale.createCase(recordText: "case: {type: resident, opened: 2026-11-20}\nperson: {alias: A}") }
        TestVault.assertFails([.accessDenied], "assign through a stale session") { try stale.assign(id, memberID: "karl", role: .contactPerson) }
        XCTAssertEqual(try t.raw().contentDigest(), before)
        XCTAssertNoThrow(try t.session("lina").showCase(id), "the case must stay readable")
    }

    func testRosterChangesNeedTheCentreRootKey() throws {
        let pub = try SecretIdentity.generate().publicIdentity
        for member in ["kari", "nils", "anne"] {
            TestVault.assertFails([.accessDenied], member) { try t.session(member).addMember(id: "ny", name: "Ny", roles: [.nightShift], identity: pub) }
            TestVault.assertFails([.accessDenied], member) { try t.session(member).revoke(id: "karl", kind: .member) }
        }
        XCTAssertEqual(try t.vault.roster().serial, 6)
    }

    func testRosterRules() throws {
        let lina = try t.session("lina")
        let pub = try SecretIdentity.generate().publicIdentity
        TestVault.assertFails([.invalidInput], "id reused") { try lina.addMember(id: "kari", name: "Kari 2", roles: [.contactPerson], identity: pub) }
        TestVault.assertFails([.invalidInput], "key reused") {
            try lina.addMember(id: "kari2", name: "Kari 2", roles: [.contactPerson], identity: t.identity("kari").publicIdentity)
        }
        for bad in ["", "Kari", "9kari", "kari nordmann", "kari/../x", "kåri", String(repeating: "k", count: 33), "kari\n"] {
            TestVault.assertFails([.invalidInput], "id \(bad.debugDescription)") { try lina.addMember(id: bad, name: "X", roles: [.nightShift], identity: pub) }
        }
        for bad in ["", "Line\nbreak", String(repeating: "n", count: 121)] {
            TestVault.assertFails([.invalidInput], "name \(bad.debugDescription)") { try lina.addMember(id: "ny", name: bad, roles: [.nightShift], identity: pub) }
        }
        TestVault.assertFails([.invalidInput], "no role") { try lina.addMember(id: "ny", name: "Ny", roles: [], identity: pub) }
        TestVault.assertFails([.invalidInput], "external role as member") { try lina.addMember(id: "ny", name: "Ny", roles: [.police], identity: pub) }
        TestVault.assertFails([.refused], "last leader") { try lina.revoke(id: "lina", kind: .member) }
        TestVault.assertFails([.notFound], "unknown member") { try lina.revoke(id: "nobody", kind: .member) }
        _ = try lina.revoke(id: "karl", kind: .member)
        TestVault.assertFails([.invalidInput], "revoked twice") { try lina.revoke(id: "karl", kind: .member) }
        TestVault.assertFails([.invalidInput], "revoked id reused") { try lina.addMember(id: "karl", name: "Karl", roles: [.contactPerson], identity: pub) }
        XCTAssertEqual(try t.vault.roster().serial, 7, "only the one revocation changed the roster")
    }
}
