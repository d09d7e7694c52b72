import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import Foundation
import SodiumKit
import TransparencyLog
import XCTest

/// Who may send a bundle, and that its disclosure is in the centre's log: the attacks on
/// "verified" bundles (a resident, the auditor and the night shift issuing them; a revoked
/// member backdating one; a disclosure that was never logged), at the source and at the recipient.
final class HandoverSenderTests: XCTestCase {
    private let police = HandoverWorld.police
    private let nav = HandoverWorld.nav
    private let housing = HandoverWorld.housing

    /// Invented identity and income, as the attackers wrote them.
    private let invented: [String: FieldValue] = [
        "person.legal_name": .text("Oppdiktet Person"), "economy.income": .text("999 999 kr i året"),
    ]

    // MARK: - Senders the policy does not name

    func testTheResidentTheAuditorAndTheNightShiftCannotCreateABundle() throws {
        let w = try HandoverWorld()
        for (member, recipient) in [("rita", nav), ("anne", housing), ("nils", nav), ("nils", housing), ("rita", housing), ("anne", nav)] {
            let versions = try w.count("SELECT COUNT(*) FROM case_versions"), logBefore = try w.rawLogEntries().count
            let e = expectHandoverError(.accessDenied, "\(member) → \(recipient)") {
                try w.session(member).createHandover(w.request(to: recipient), approver: nil)
            }
            XCTAssertTrue(e?.message.contains("may not send a bundle") ?? false, e?.message ?? "")
            XCTAssertFalse(e?.message.contains("\n") ?? true)
            XCTAssertEqual(try w.count("SELECT COUNT(*) FROM case_versions"), versions, "nothing recorded")
            let log = try w.rawLogEntries()
            XCTAssertEqual(log.count, logBefore + 1, "the refusal is logged")
            let refusal = try LogEntry.parse(try XCTUnwrap(log.last))
            XCTAssertEqual(refusal.action, LogAction.accessDenied.rawValue)
            // A resident acts under her case's pseudonym, never her name.
            XCTAssertTrue(refusal.actor == member || (member == "rita" && refusal.actor.hasPrefix("p-")), refusal.actor)
            XCTAssertEqual(refusal.detailValue("command"), "handover.create")
        }
        XCTAssertNoThrow(try w.create(to: nav), "control: the contact person may")
    }

    /// The same members craft bundles with the core's building blocks and their own keys, on a
    /// copy of the vault's log: the recipient refuses them by the centre's signed policy.
    func testForgedBundlesFromRolesThePolicyDoesNotNameAreRefusedByTheRecipient() throws {
        let w = try HandoverWorld()
        for (member, recipient) in [("rita", nav), ("anne", housing), ("nils", nav), ("nils", housing), ("anne", nav), ("rita", police)] {
            let forged = try w.forge(to: recipient, sender: member, fields: invented)
            let e = expectHandoverError(.authenticationFailed, "\(member) → \(recipient)") { try w.open(forged.bytes, as: recipient) }
            // A resident is on no roster at all, so her bundle fails even before the policy's rule.
            let expected = member == "rita" ? "not an active member on the centre's roster" : "may not send this bundle"
            XCTAssertTrue(e?.message.contains(expected) ?? false, e?.message ?? "")
        }
        // Control: the same forgery by a contact person opens (she may send; the data is hers to vouch for).
        XCTAssertEqual(try w.open(try w.forge(to: nav, sender: "karl", fields: invented).bytes, as: nav).sender.id, "karl")

        // The night shift cannot grant itself the right: the policy the bundle carries is the root's.
        let forged = try w.forge(to: nav, sender: "karl", fields: invented)
        var parts = try BundleSurgery.Inner.parse(try BundleSurgery.decryptInner(forged.bytes, with: w.identity(nav)))
        let policy = String(decoding: parts.policy, as: UTF8.self)
        parts.policy = Array(policy.replacingOccurrences(of: "  nav: [contact-person]", with: "  nav: [contact-person, night-shift]").utf8)
        XCTAssertNotEqual(parts.policy, Array(policy.utf8))
        expectHandoverError(.authenticationFailed, "policy edited") {
            try w.open(try BundleSurgery.sealOuter(parts.encoded, to: w.identity(nav).publicIdentity), as: nav)
        }
    }

    func testAPolicyCanLetTheLeaderSendAndNeverTheResidentOrTheAuditor() throws {
        let leader = Policy.defaultYAML.replacingOccurrences(of: "  nav: [contact-person]", with: "  nav: [contact-person, leader]")
        let policy = try Policy(yaml: leader)
        XCTAssertTrue(policy.maySendHandover(from: [.leader], to: .nav).isAllowed)
        XCTAssertFalse(policy.maySendHandover(from: [.leader], to: .police).isAllowed)
        for role in ["resident", "auditor", "police"] {
            let text = Policy.defaultYAML.replacingOccurrences(of: "  nav: [contact-person]", with: "  nav: [contact-person, \(role)]")
            XCTAssertThrowsError(try Policy(yaml: text), role) { XCTAssertTrue("\($0)".contains("may never send"), "\($0)") }
        }
        let missing = Policy.defaultYAML.replacingOccurrences(of: "  nav: [contact-person]\n", with: "")
        XCTAssertThrowsError(try Policy(yaml: missing)) { XCTAssertEqual($0 as? PolicyError, .missingKey("nav", within: "handover")) }
        // A format-1 policy (no `handover:`) means contact persons only.
        let v1 = Policy.defaultYAML.replacingOccurrences(of: "casevault-policy: 2", with: "casevault-policy: 1")
            .replacingOccurrences(of: "handover:\n  police: [contact-person]\n  housing-office: [contact-person]\n  nav: [contact-person]\n", with: "")
        let old = try Policy(yaml: v1)
        XCTAssertEqual(old.formatVersion, 1)
        XCTAssertTrue(old.maySendHandover(from: [.contactPerson], to: .police).isAllowed)
        XCTAssertFalse(old.maySendHandover(from: [.nightShift, .leader], to: .nav).isAllowed)
        XCTAssertThrowsError(try Policy(yaml: v1 + "handover: {}\n"), "format 1 has no handover key")
    }

    // MARK: - A revoked member backdating

    func testARevokedMemberBackdatingABundleIsRefusedWithAndWithoutTheKeyring() throws {
        let w = try HandoverWorld()
        try w.session("kari").assign(w.caseID, memberID: "karl", role: .contactPerson)
        w.t.clock.advance(seconds: 600)   // so that a minute before the bundle, kari was already a member
        let genuine = try w.create(to: nav)
        let kariCopy = try w.standalone()   // kari's copy of the vault's roster, policy and log, kept before her revocation
        w.t.clock.advance(seconds: 3600)
        _ = try w.session("lina").revoke(id: "kari", kind: .member)
        let revoked = try XCTUnwrap(try w.certifiedEntry("kari").revoked)
        let keyring = try w.keyringText()
        let minuteBefore = Timestamp(seconds: revoked.seconds - 60)

        // Backdating `created` in a bundle she made: it is no longer its log entry's time.
        var parts = try BundleSurgery.Inner.parse(try BundleSurgery.decryptInner(genuine.bytes, with: w.identity(nav)))
        var m = try HandoverManifest.parse(parts.manifest)
        m.created = Timestamp(seconds: m.created.seconds - 60)
        parts.manifest = m.text
        parts.resign(sender: w.identity("kari").signingKey)
        let e = expectHandoverError(.authenticationFailed, "created edited") {
            try w.open(try BundleSurgery.sealOuter(parts.encoded, to: w.identity(nav).publicIdentity), as: nav)
        }
        XCTAssertTrue(e?.message.contains("log entry's time") ?? false, e?.message ?? "")

        // A whole new bundle with the current roster: it says she is revoked.
        let current = try w.forge(to: nav, sender: "kari", fields: invented, created: minuteBefore)
        expectHandoverError(.authenticationFailed, "current roster") { try w.open(current.bytes, as: nav) }

        // On her old copy, a log of her own, a minute before her revocation.
        let forged = try w.forge(to: nav, sender: "kari", fields: invented, created: minuteBefore, maker: kariCopy)
        let withKeyring = expectHandoverError(.authenticationFailed, "with --keyring") { try w.open(forged.bytes, as: nav, keyring: keyring) }
        XCTAssertTrue(withKeyring?.message.contains("revoked") ?? false, withKeyring?.message ?? "")
        // Without the keyring: a recipient who has opened any bundle made since (karl's) remembers the newer roster.
        let later = try w.open(try w.create(to: nav, sender: "karl").bytes, as: nav)
        let memory = RecipientMemory.Centre(rosterSerial: later.roster.roster.serial, checkpoint: later.checkpoint)
        let withoutKeyring = expectHandoverError(.authenticationFailed, "without --keyring") { try w.open(forged.bytes, as: nav, seen: memory) }
        XCTAssertTrue(withoutKeyring?.message.contains("older than roster") ?? false, withoutKeyring?.message ?? "")
        // The gap SECURITY.md names: a recipient with neither memory nor keyring cannot tell.
        XCTAssertNoThrow(try w.open(forged.bytes, as: nav))
    }

    /// The recipient's memory, kept in its state file by the key-file form of `open`.
    func testTheRecipientStateFileRemembersTheNewestRosterAndRefusesAnOlderOne() throws {
        let w = try HandoverWorld()
        try w.session("kari").assign(w.caseID, memberID: "karl", role: .contactPerson)
        let oldCopy = try w.standalone()
        w.t.clock.advance(seconds: 3600)
        _ = try w.session("lina").revoke(id: "kari", kind: .member)
        let keyFile = w.t.directory + "/nav.cvkey"
        let navID = w.identity(nav)
        let later = try w.create(to: nav, sender: "karl")
        let opened = try HandoverBundle.open(later.bytes, identity: navID, keyFile: keyFile, trustedRoot: w.trust)
        let path = keyFile + "." + w.vault.vaultID.hex + ".received"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("casevault-recipient-state v1\nvault \(w.vault.vaultID.hex)\nroster \(opened.roster.roster.serial)\n"), text)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int, 0o600)

        let forged = try w.forge(to: nav, sender: "kari", fields: invented, created: w.vault.clock.now(), maker: oldCopy)
        expectHandoverError(.authenticationFailed, "older roster remembered") {
            try HandoverBundle.open(forged.bytes, identity: navID, keyFile: keyFile, trustedRoot: w.trust)
        }
        // The state file is the recipient's own: altered, or another key's, it is refused.
        try Data(text.replacingOccurrences(of: "roster \(opened.roster.roster.serial)\n", with: "roster 1\n").utf8)
            .write(to: URL(fileURLWithPath: path))
        expectHandoverError(.authenticationFailed, "state edited") {
            try HandoverBundle.open(later.bytes, identity: navID, keyFile: keyFile, trustedRoot: w.trust)
        }
    }

    // MARK: - Unlogged disclosures

    func testABundleWhoseDisclosureIsNotInTheLogIsRefused() throws {
        let w = try HandoverWorld()
        let made = try w.create(to: nav)
        let pid = w.identity(nav).publicIdentity
        let inner = try BundleSurgery.decryptInner(made.bytes, with: w.identity(nav))
        func open(_ change: (inout BundleSurgery.Inner) throws -> Void) throws -> VaultError? {
            var parts = try BundleSurgery.Inner.parse(inner)
            try change(&parts)
            return expectHandoverError(nil) { try w.open(try BundleSurgery.sealOuter(parts.encoded, to: pid), as: nav) }
        }
        XCTAssertNoThrow(try w.open(made.bytes, as: nav), "control")

        // The entry removed, or another disclosure's entry in its place.
        XCTAssertNotNil(try open { $0.logEntry = [] })
        let other = try BundleSurgery.Inner.parse(try BundleSurgery.decryptInner(try w.create(to: nav).bytes, with: w.identity(nav)))
        XCTAssertTrue(try open { $0.logEntry = other.logEntry }?.message.contains("log entry") ?? false)
        XCTAssertNotNil(try open { $0.logEntry = other.logEntry; $0.proof = other.proof })
        // The proof altered: a hash changed, the index changed, the checkpoint's root changed.
        XCTAssertNotNil(try open { p in
            var lines = String(decoding: p.proof, as: UTF8.self).components(separatedBy: "\n")
            lines[2] = Base64.encode([UInt8](repeating: 7, count: 32))
            p.proof = Array(lines.joined(separator: "\n").utf8)
        })
        XCTAssertNotNil(try open { p in
            p.proof = Array(String(decoding: p.proof, as: UTF8.self).replacingOccurrences(of: "\nindex \(made.manifest.logIndex)\n", with: "\nindex 0\n").utf8)
        })
        XCTAssertNotNil(try open { $0.proof = [] })

        // A checkpoint for the forger's own log, signed by someone not on the roster under a member's name.
        let mallory = try SigningSecretKey.generate()
        let maker = try w.standalone(priorLog: [])
        let draft = try w.manifest(to: nav, created: w.vault.clock.now())
        let final = try maker.manifest(draft, fields: invented)
        let bytes = try HandoverBundle.seal(manifest: final, fields: invented, sender: w.identity("kari").signingKey, approver: nil,
                                            policy: maker.policy, evidence: try maker.evidence(for: final, sender: w.identity("kari").signingKey,
                                                                                                approver: nil, checkpointSigner: ("kari", mallory)),
                                            recipient: pid)
        let e = expectHandoverError(.authenticationFailed, "checkpoint by a non-member") { try w.open(bytes, as: nav) }
        XCTAssertTrue(e?.message.contains("not proven to be in the centre's log") ?? false, e?.message ?? "")
        // Signed by a revoked member's key: not accepted either.
        w.t.clock.advance()
        _ = try w.session("lina").revoke(id: "karl", kind: .member)
        let byKarl = try HandoverBundle.seal(manifest: final, fields: invented, sender: w.identity("kari").signingKey, approver: nil,
                                             policy: maker.policy, evidence: try w.standalone(priorLog: []).evidence(
                                                for: try w.standalone(priorLog: []).manifest(draft, fields: invented),
                                                sender: w.identity("kari").signingKey, approver: nil,
                                                checkpointSigner: ("karl", w.identity("karl").signingKey)), recipient: pid)
        expectHandoverError(.authenticationFailed, "checkpoint by a revoked member") { try w.open(byKarl, as: nav) }
    }

    /// The log entry names the bundle's manifest by hash: a bundle whose payload was swapped after logging fails.
    func testTheLogEntryNamesExactlyWhatLeft() throws {
        let w = try HandoverWorld()
        let made = try w.create(to: nav)
        let entry = try LogEntry.parse(try XCTUnwrap(try w.rawLogEntries().last))
        XCTAssertEqual(entry.action, "handover.create")
        XCTAssertEqual(entry.index, made.manifest.logIndex)
        XCTAssertEqual(entry.time, made.manifest.created)
        XCTAssertEqual(entry.detailValue("manifest"), Hex.encode(made.manifest.hash))
        XCTAssertEqual(entry.detailValue("bundle"), made.manifest.bundleID)
        XCTAssertEqual(entry.detailValue("roster"), String(made.manifest.rosterSerial))
        XCTAssertEqual(entry.detailValue("roster-hash"), Hex.encode(try XCTUnwrap(w.vault.rosterHistory().last).hash))
        XCTAssertEqual(entry.caseID, w.caseID)
    }

    // MARK: - Version 1 and the centre's name

    func testAVersionOneBundleIsRefusedAskingForAResend() throws {
        let v1 = [UInt8](try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/handover-v1/bundle.cvb")))
        XCTAssertEqual(v1[8], 1)
        let e = expectHandoverError(.unsupportedFormat, "v1") {
            try HandoverBundle.open(v1, identity: try HandoverVectorTests.Vector.identity(HandoverVectorTests.Vector.recipient),
                                    trustedRoot: Fingerprint.root(try HandoverVectorTests.Vector.rootKey().publicKey))
        }
        XCTAssertTrue(e?.message.contains("ask the sender to send it again with a current CaseVault") ?? false, e?.message ?? "")
    }

    func testTheCentreNameShownIsTheSignedRostersNotTheSenders() throws {
        let w = try HandoverWorld()
        let made = try w.create(to: nav)
        XCTAssertFalse(made.manifest.text.contains("\ncentre "), "the sender no longer writes a centre name")
        let opened = try w.open(made.bytes, as: nav)
        XCTAssertEqual(opened.centre, "Testsenteret")
        XCTAssertTrue(opened.roster.fileText.hasPrefix("casevault-roster v2\nvault \(w.vault.vaultID.hex)\ncentre Testsenteret\n"))
        // A sender who edits the name breaks the root's signature.
        var parts = try BundleSurgery.Inner.parse(try BundleSurgery.decryptInner(made.bytes, with: w.identity(nav)))
        parts.roster = parts.roster.replacingOccurrences(of: "\ncentre Testsenteret\n", with: "\ncentre Politiets Hemmelige Tjeneste\n")
        expectHandoverError(.authenticationFailed, "centre renamed") {
            try w.open(try BundleSurgery.sealOuter(parts.encoded, to: w.identity(nav).publicIdentity), as: nav)
        }
    }
}

extension HandoverSenderTests {
    /// Older vaults' rosters (version 1, no `centre` line) still read; version 2 names the centre.
    func testVersionOneRostersStillReadAndVersionTwoNamesTheCentre() throws {
        let t = try TestVault()
        let root = try XCTUnwrap(t.leader.centreRootKey)
        var roster = try t.vault.roster()
        XCTAssertEqual(roster.centre, "Testsenteret")
        roster.centre = nil
        let old = try SignedRoster(roster: roster, signedBy: root)
        XCTAssertTrue(old.fileText.hasPrefix("casevault-roster v1\nvault "))
        XCTAssertFalse(old.fileText.contains("\ncentre "))
        let parsed = try SignedRoster(fileText: old.fileText, trustedRoot: root.publicKey)
        XCTAssertNil(parsed.roster.centre)
        XCTAssertEqual(parsed, old)
        // A version-1 header with a centre line, or a version-2 header without one, is not canonical.
        let current = try SignedRoster(roster: try t.vault.roster(), signedBy: root).fileText
        for bad in [current.replacingOccurrences(of: "casevault-roster v2\n", with: "casevault-roster v1\n"),
                    old.fileText.replacingOccurrences(of: "casevault-roster v1\n", with: "casevault-roster v2\n")] {
            XCTAssertThrowsError(try SignedRoster(fileText: bad, trustedRoot: root.publicKey))
        }
    }
}
