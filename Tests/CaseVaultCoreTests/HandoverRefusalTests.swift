import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import SodiumKit
import XCTest

/// What a recipient must refuse (docs/FORMAT.md, "Handover bundles and receipts"), and what the centre
/// must refuse to create.
final class HandoverRefusalTests: XCTestCase {
    private let police = HandoverWorld.police

    private func seal(_ w: HandoverWorld, _ manifest: HandoverManifest, sender: HandoverBundle.Signer? = nil,
                      approver: HandoverBundle.Signer?, fields: [String: FieldValue] = HandoverWorld.policeFields, to recipient: String? = nil,
                      maker: StandaloneHandover? = nil) throws -> [UInt8] {
        let to = try w.certifiedEntry(recipient ?? manifest.recipient).identity
        return try (maker ?? w.standalone()).make(manifest, fields: fields, sender: (try sender ?? w.signer(manifest.sender)).key, approver: approver,
                                       recipient: to).bytes
    }

    // MARK: - Wrong recipient

    func testAnotherRecipientsKeyIsRefused() throws {
        let w = try HandoverWorld()
        let bytes = try w.create(to: police).bytes
        for other in [HandoverWorld.housing, HandoverWorld.nav, "kari", "lina"] {
            let e = expectHandoverError(.accessDenied, "opened by \(other)") { try w.open(bytes, as: other) }
            XCTAssertTrue(e?.message.contains("another recipient") ?? false, e?.message ?? "")
        }
    }

    /// The police open their bundle and wrap the very same inner part for NAV (no silent
    /// forwarding): NAV can decrypt it, but the signed manifest names the police.
    func testBundleRewrappedForAThirdPartyIsRefusedBecauseTheSignedManifestNamesSomeoneElse() throws {
        let w = try HandoverWorld()
        let inner = try BundleSurgery.decryptInner(try w.create(to: police).bytes, with: w.identity(police))
        let nav = w.identity(HandoverWorld.nav)
        let forwarded = try BundleSurgery.sealOuter(inner, to: nav.publicIdentity)
        XCTAssertEqual(try BundleSurgery.decryptInner(forwarded, with: nav), inner, "NAV can decrypt the forwarded bundle")
        let e = expectHandoverError(.accessDenied, "forwarded bundle") { try w.open(forwarded, as: HandoverWorld.nav) }
        XCTAssertTrue(e?.message.contains("signed for another recipient") ?? false, e?.message ?? "")

        // Rewriting the manifest to name NAV breaks the sender's signature.
        var parts = try BundleSurgery.Inner.parse(inner)
        let navEntry = try w.certifiedEntry(HandoverWorld.nav)
        let policeEntry = try w.certifiedEntry(police)
        parts.manifest = parts.manifest
            .replacingOccurrences(of: "recipient \(police)\n", with: "recipient \(HandoverWorld.nav)\n")
            .replacingOccurrences(of: "recipient-fingerprint \(policeEntry.identity.fingerprint)\n", with: "recipient-fingerprint \(navEntry.identity.fingerprint)\n")
        XCTAssertTrue(parts.manifest.contains("recipient-fingerprint \(navEntry.identity.fingerprint)\n"))
        expectHandoverError(.authenticationFailed, "manifest rewritten to name NAV") {
            try w.open(try BundleSurgery.sealOuter(parts.encoded, to: nav.publicIdentity), as: HandoverWorld.nav)
        }
    }

    // MARK: - Expiry

    func testExpiredBundleIsRefusedUnlessForcedAndThenFlagged() throws {
        let w = try HandoverWorld()
        let expires = Timestamp(seconds: Timestamp.now().seconds + 3600)
        let bytes = try w.create(to: police, expires: expires).bytes
        let before = try w.open(bytes, as: police, now: Timestamp(seconds: expires.seconds - 1))
        XCTAssertFalse(before.openedAfterExpiry)
        XCTAssertEqual(before.manifest.expires, expires)
        for now in [expires, Timestamp(seconds: expires.seconds + 1), Timestamp(seconds: expires.seconds + 400 * 86_400)] {
            let e = expectHandoverError(.accessDenied, "opened at \(now)") { try w.open(bytes, as: police, now: now) }
            XCTAssertTrue(e?.message.contains("expired") ?? false, e?.message ?? "")
        }
        let forced = try w.open(bytes, as: police, now: Timestamp(seconds: expires.seconds + 1), allowExpired: true)
        XCTAssertTrue(forced.openedAfterExpiry, "a forced open must say it was expired")
        XCTAssertEqual(forced.fields, before.fields)
        // allowExpired does not relax anything else.
        var t = bytes
        t[t.count - 1] ^= 1
        expectHandoverError(.authenticationFailed) { try w.open(t, as: police, now: Timestamp(seconds: expires.seconds + 1), allowExpired: true) }
    }

    func testCreatingWithAnExpiryInThePastIsRefused() throws {
        let w = try HandoverWorld()
        expectHandoverError(.invalidInput) { try w.create(to: HandoverWorld.nav, expires: Timestamp(seconds: Timestamp.now().seconds - 60)) }
        XCTAssertEqual(try w.count("SELECT COUNT(*) FROM handover_disclosures"), 0)
    }

    func testRemovedRecipientAndMalformedRequestsAreRefusedBeforeAnythingIsRecorded() throws {
        let w = try HandoverWorld()
        let kari = try w.session("kari")
        let versionsBefore = try w.count("SELECT COUNT(*) FROM case_versions")
        var r = w.request(to: HandoverWorld.nav)
        for bad in ["", "linje én\nlinje to", "tab\there", "cr\rhere", String(repeating: "x", count: 501)] {
            r.purpose = bad
            expectHandoverError(.invalidInput, "purpose \(bad.debugDescription.prefix(30))") { try kari.createHandover(r, approver: nil) }
        }
        r = w.request(to: HandoverWorld.nav)
        r.consentReference = nil
        expectHandoverError(.invalidInput, "consent basis without a reference") { try kari.createHandover(r, approver: nil) }
        r.consentReference = "SAM\n-1"
        expectHandoverError(.invalidInput, "consent reference with a newline") { try kari.createHandover(r, approver: nil) }
        r = w.request(to: "politi-vest")
        expectHandoverError(.notFound, "unregistered recipient") { try kari.createHandover(r, approver: nil) }
        r = w.request(to: "kari")
        expectHandoverError(.notFound, "a member is not a recipient") { try kari.createHandover(r, approver: nil) }
        _ = try w.session("lina").revoke(id: HandoverWorld.nav, kind: .recipient)
        expectHandoverError(.accessDenied, "removed recipient") { try w.session("kari").createHandover(w.request(to: HandoverWorld.nav), approver: nil) }
        expectHandoverError(.notFound, "unknown case") {
            try kari.createHandover(HandoverRequest(caseID: CaseID.random(), recipientID: HandoverWorld.housing, purpose: "x", basis: .avvergeplikt,
                                                    consentReference: nil, expires: nil, includeAddress: false), approver: nil)
        }
        // karl is a contact person, but not on this case: he is told it does not exist.
        expectHandoverError(.notFound, "a contact person not assigned to the case") {
            try w.session("karl").createHandover(w.request(to: HandoverWorld.housing), approver: nil)
        }
        XCTAssertEqual(try w.count("SELECT COUNT(*) FROM handover_disclosures"), 0)
        XCTAssertEqual(try w.count("SELECT COUNT(*) FROM case_versions"), versionsBefore)
        // avvergeplikt needs no consent reference, and permits disclosure to the police only.
        let b = try w.open(try kari.createHandover(HandoverRequest(caseID: w.caseID, recipientID: HandoverWorld.police, purpose: "Sikkerhet",
                                                                   basis: .avvergeplikt, consentReference: nil, expires: nil, includeAddress: false),
                                                   approver: w.identity("lina")).bytes, as: HandoverWorld.police)
        XCTAssertEqual(b.manifest.basis, .avvergeplikt)
        XCTAssertNil(b.manifest.consentReference)
        XCTAssertTrue(b.manifest.text.contains("\nconsent -\n"))
    }

    // MARK: - Format versions

    func testUnknownOuterMagicOrVersionIsRefused() throws {
        let w = try HandoverWorld()
        let pid = w.identity(police).publicIdentity
        let inner = try BundleSurgery.decryptInner(try w.create(to: police).bytes, with: w.identity(police))
        // A well-formed version-4 bundle (the header, version byte included, authenticated as AD).
        let v4 = try BundleSurgery.sealOuter(inner, to: pid, version: 4)
        let e = expectHandoverError(.unsupportedFormat, "version 4") { try w.open(v4, as: police) }
        XCTAssertTrue(e?.message.contains("version 4") ?? false, e?.message ?? "")
        // Version 3 hands over documents: a version-2 inner part under its version byte is refused.
        expectHandoverError(.unsupportedFormat, "version 3 without documents") { try w.open(try BundleSurgery.sealOuter(inner, to: pid, version: 3), as: police) }
        expectHandoverError(.unsupportedFormat, "version 0") { try w.open(try BundleSurgery.sealOuter(inner, to: pid, version: 0), as: police) }
        expectHandoverError(.unsupportedFormat, "magic") {
            try w.open(try BundleSurgery.sealOuter(inner, to: pid, magic: Array("CVBUNDL2".utf8)), as: police)
        }
    }

    func testUnknownInnerMagicOrManifestVersionIsRefused() throws {
        let w = try HandoverWorld()
        let pid = w.identity(police).publicIdentity
        let inner = try BundleSurgery.decryptInner(try w.create(to: police).bytes, with: w.identity(police))
        var parts = try BundleSurgery.Inner.parse(inner)
        parts.magic = Array("CVBI\u{1}".utf8)
        expectHandoverError(.unsupportedFormat, "inner magic v1") { try w.open(try BundleSurgery.sealOuter(parts.encoded, to: pid), as: police) }

        // A manifest of a future version, properly signed by the sender and the leader.
        parts = try BundleSurgery.Inner.parse(inner)
        parts.manifest = parts.manifest.replacingOccurrences(of: "casevault-handover v2\n", with: "casevault-handover v3\n")
        parts.resign(sender: w.identity("kari").signingKey, approver: w.identity("lina").signingKey)
        let e = expectHandoverError(.unsupportedFormat, "manifest v3") { try w.open(try BundleSurgery.sealOuter(parts.encoded, to: pid), as: police) }
        XCTAssertTrue(e?.message.contains("not supported") ?? false, e?.message ?? "")

        // The same re-signing with the header left alone is accepted: the refusal above is the version.
        parts = try BundleSurgery.Inner.parse(inner)
        parts.resign(sender: w.identity("kari").signingKey, approver: w.identity("lina").signingKey)
        XCTAssertNoThrow(try w.open(try BundleSurgery.sealOuter(parts.encoded, to: pid), as: police))
    }

    /// The manifest is parsed canonically (FORMAT.md §8: `bundle <32 hex, random>`): a signed
    /// manifest with a malformed value is refused, even though the sender's signature verifies.
    func testSignedManifestWithMalformedValuesIsRefused() throws {
        let w = try HandoverWorld()
        let pid = w.identity(police).publicIdentity
        let inner = try BundleSurgery.decryptInner(try w.create(to: police).bytes, with: w.identity(police))
        let m = try HandoverManifest.parse(try BundleSurgery.Inner.parse(inner).manifest)
        let replacements = [
            ("bundle \(m.bundleID)\n", "bundle \(m.bundleID.uppercased())\n"),
            ("bundle \(m.bundleID)\n", "bundle \(m.bundleID.prefix(30))\n"),
            ("bundle \(m.bundleID)\n", "bundle ../../etc\n"),
            ("case-version \(m.caseVersion)\n", "case-version 0\(m.caseVersion)\n"),
            ("approval-required yes\n", "approval-required YES\n"),
            ("created \(m.created.rfc3339)\n", "created \(m.created.rfc3339.dropLast())+00:00\n"),
        ]
        for (from, to) in replacements {
            var parts = try BundleSurgery.Inner.parse(inner)
            XCTAssertTrue(parts.manifest.contains(from), from)
            parts.manifest = parts.manifest.replacingOccurrences(of: from, with: to)
            parts.resign(sender: w.identity("kari").signingKey, approver: w.identity("lina").signingKey)
            expectHandoverError(.unsupportedFormat, "manifest line \(to.debugDescription)") {
                try w.open(try BundleSurgery.sealOuter(parts.encoded, to: pid), as: police)
            }
        }
    }

    // MARK: - Origin: the trusted centre root

    func testBundleFromAnotherCentreIsRefusedUnderTheTrustedRoot() throws {
        let w = try HandoverWorld()
        let other = try TestVault()
        let policeIdentity = w.identity(police)
        _ = try other.session("lina").addRecipient(id: police, name: "Politi", role: .police, identity: policeIdentity.publicIdentity)
        let otherCase = try other.sampleCase()
        let bytes = try other.session("kari").createHandover(HandoverRequest(
            caseID: otherCase, recipientID: police, purpose: "Sikkerhetstiltak", basis: .avvergeplikt, consentReference: nil,
            expires: nil, includeAddress: false), approver: other.identity("lina")).bytes
        let e = expectHandoverError(.authenticationFailed, "trusting our root") {
            try HandoverBundle.open(bytes, identity: policeIdentity, trustedRoot: w.trust)
        }
        XCTAssertTrue(e?.message.contains("centre root") ?? false, e?.message ?? "")
        // Control: under the other centre's own root it opens.
        XCTAssertNoThrow(try HandoverBundle.open(bytes, identity: policeIdentity, trustedRoot: other.vault.rootFingerprint))
        // The fingerprint is compared ignoring spaces and case, and nothing else.
        XCTAssertNoThrow(try HandoverBundle.open(bytes, identity: policeIdentity, trustedRoot: other.vault.rootFingerprint.uppercased()
            .replacingOccurrences(of: " ", with: "")))
        expectHandoverError(.authenticationFailed, "empty trust") { try HandoverBundle.open(bytes, identity: policeIdentity, trustedRoot: "") }
    }

    /// The carried roster altered, or signed by some other root, while the manifest names the real centre.
    func testARosterNotSignedByTheTrustedRootIsRefused() throws {
        let w = try HandoverWorld()
        let pid = w.identity(police).publicIdentity
        let inner = try BundleSurgery.decryptInner(try w.create(to: police).bytes, with: w.identity(police))
        var parts = try BundleSurgery.Inner.parse(inner)
        parts.roster = parts.roster.replacingOccurrences(of: "roles contact-person", with: "roles leader")
        expectHandoverError(.authenticationFailed, "roster edited") { try w.open(try BundleSurgery.sealOuter(parts.encoded, to: pid), as: police) }

        // An impostor centre: the same roster re-signed by the forger's own root.
        let forger = try SigningSecretKey.generate()
        var roster = try w.vault.roster()
        roster.rootKey = forger.publicKey
        parts = try BundleSurgery.Inner.parse(inner)
        parts.roster = try SignedRoster(roster: roster, signedBy: forger).fileText
        let e = expectHandoverError(.authenticationFailed, "impostor root") { try w.open(try BundleSurgery.sealOuter(parts.encoded, to: pid), as: police) }
        XCTAssertTrue(e?.message.contains("centre root") ?? false, e?.message ?? "")
    }

    // MARK: - Revocation

    func testARevokedMemberCannotCreateABundle() throws {
        let w = try HandoverWorld()
        let stale = try w.session("kari")   // obtained while kari was still active
        // Revoke in a later second than kari's last write (see the same-second test below).
        let lastWrite = try w.session("lina").showCase(w.caseID).latest.created
        w.t.clock.advance()
        XCTAssertGreaterThan(w.t.vault.clock.now(), lastWrite)
        _ = try w.session("lina").revoke(id: "kari", kind: .member)
        XCTAssertNoThrow(try w.session("lina").showCase(w.caseID), "control: the case verifies after the revocation")
        let revoked = try XCTUnwrap(try w.certifiedEntry("kari").revoked)
        w.t.clock.advance()   // clearly after the revocation
        expectHandoverError(.accessDenied, "new session for revoked kari") { try w.session("kari") }
        let versionsBefore = try w.count("SELECT COUNT(*) FROM case_versions")
        expectHandoverError(nil, "createHandover through a session obtained before the revocation") {
            try stale.createHandover(w.request(to: HandoverWorld.nav), approver: nil)
        }
        XCTAssertEqual(try w.count("SELECT COUNT(*) FROM handover_disclosures"), 0, "no disclosure may be recorded for a revoked sender")
        XCTAssertEqual(try w.count("SELECT COUNT(*) FROM case_versions"), versionsBefore, "no case version may be written by a revoked sender")
        XCTAssertNoThrow(try w.session("lina").showCase(w.caseID), "the case must still verify")
    }

    /// A sender revoked right after a handover, within the same second (a leader acting on an
    /// incident at once, or a script): the bundle may be refused, but the case itself, whose
    /// disclosure version kari wrote while still active, must stay readable for everyone else.
    func testRevokingTheSenderInTheSameSecondAsTheHandoverKeepsTheCaseReadable() throws {
        let w = try HandoverWorld()
        let lina = try w.session("lina")
        w.t.clock.freeze()
        let made = try w.create(to: HandoverWorld.nav)
        _ = try lina.revoke(id: "kari", kind: .member)
        let revoked = try XCTUnwrap(try w.certifiedEntry("kari").revoked)
        XCTAssertEqual(revoked, made.manifest.created, "the frozen clock puts both in the same second")
        XCTAssertNoThrow(try lina.showCase(w.caseID), "the case became unreadable after revoking its last author in the same second")
        XCTAssertNoThrow(try w.session("rita").showCase(w.caseID))
    }

    func testAKeyringThatIsNotTheCentresIsRefused() throws {
        let w = try HandoverWorld()
        let made = try w.create(to: police)
        let keyring = try w.keyringText()
        XCTAssertNoThrow(try w.open(made.bytes, as: police, keyring: keyring))
        // A keyring that is not the trusted centre's is refused, not ignored.
        let other = try TestVault()
        let otherKeyring = try String(contentsOfFile: other.vault.directory + "/Keys/keyring.txt", encoding: .utf8)
        expectHandoverError(.authenticationFailed, "foreign keyring") { try w.open(made.bytes, as: police, keyring: otherKeyring) }
        let tampered = keyring.replacingOccurrences(of: "roles contact-person", with: "roles leader")
        expectHandoverError(nil, "keyring altered") { try w.open(made.bytes, as: police, keyring: tampered) }
    }

    // MARK: - Leader approval

    func testPoliceHandoverWithoutLeaderApprovalIsRefusedAtCreation() throws {
        let w = try HandoverWorld()
        let versionsBefore = try w.count("SELECT COUNT(*) FROM case_versions")
        expectHandoverError(.accessDenied, "no approver") { try w.session("kari").createHandover(w.request(to: police), approver: nil) }
        expectHandoverError(.accessDenied, "approver is a contact person") {
            try w.session("kari").createHandover(w.request(to: police), approver: w.identity("karl"))
        }
        expectHandoverError(.accessDenied, "approver is the sender herself") {
            try w.session("kari").createHandover(w.request(to: police), approver: w.identity("kari"))
        }
        expectHandoverError(.accessDenied, "approver is not on the roster") {
            try w.session("kari").createHandover(w.request(to: police), approver: try SecretIdentity.generate())
        }
        XCTAssertEqual(try w.count("SELECT COUNT(*) FROM handover_disclosures"), 0)
        XCTAssertEqual(try w.count("SELECT COUNT(*) FROM case_versions"), versionsBefore)
        // Control: with the leader it works, and the bundle carries her approval.
        let b = try w.open(try w.create(to: police).bytes, as: police)
        XCTAssertEqual(b.approver?.id, "lina")
        XCTAssertTrue(b.manifest.approvalRequired)
    }

    func testHandBuiltBundleClaimingApprovalRequiredWithoutApproverIsRefused() throws {
        let w = try HandoverWorld()
        let m = try w.manifest(to: police, approvalRequired: true)
        let bytes = try seal(w, m, approver: nil)
        let e = expectHandoverError(.authenticationFailed) { try w.open(bytes, as: police) }
        XCTAssertTrue(e?.message.contains("approval") ?? false, e?.message ?? "")

        // The approver's entry present but its signature dropped.
        let pid = w.identity(police).publicIdentity
        var parts = try BundleSurgery.Inner.parse(try BundleSurgery.decryptInner(try seal(w, m, approver: try w.signer("lina")), with: w.identity(police)))
        XCTAssertNoThrow(try w.open(try BundleSurgery.sealOuter(parts.encoded, to: pid), as: police), "control")
        parts.approverSignature = []
        expectHandoverError(.authenticationFailed, "approver signature missing") { try w.open(try BundleSurgery.sealOuter(parts.encoded, to: pid), as: police) }
        // A signature without the approver's entry.
        parts = try BundleSurgery.Inner.parse(try BundleSurgery.decryptInner(try seal(w, m, approver: try w.signer("lina")), with: w.identity(police)))
        parts.approverEntry = ""
        expectHandoverError(.authenticationFailed, "approver entry missing") { try w.open(try BundleSurgery.sealOuter(parts.encoded, to: pid), as: police) }
        // The leader's approval over a different manifest does not carry over.
        parts = try BundleSurgery.Inner.parse(try BundleSurgery.decryptInner(try seal(w, m, approver: try w.signer("lina")), with: w.identity(police)))
        parts.approverSignature = w.identity("lina").signingKey.signature(for: HandoverBundle.approvalDomain + Array(try w.manifest(to: police).text.utf8))
        expectHandoverError(.authenticationFailed, "approval of another manifest") { try w.open(try BundleSurgery.sealOuter(parts.encoded, to: pid), as: police) }
        // The sender's signature passed off as the approval (wrong domain).
        parts.approverSignature = w.identity("lina").signingKey.signature(for: HandoverBundle.senderDomain + Array(parts.manifest.utf8))
        expectHandoverError(.authenticationFailed, "approval signed under the sender domain") { try w.open(try BundleSurgery.sealOuter(parts.encoded, to: pid), as: police) }
    }

    func testApproverWhoIsNotALeaderIsRefused() throws {
        let w = try HandoverWorld()
        for id in ["karl", "nils", "anne", "kari"] {
            let m = try w.manifest(to: police)
            let bytes = try seal(w, m, approver: try w.signer(id))
            let e = expectHandoverError(.authenticationFailed, "approved by \(id)") { try w.open(bytes, as: police) }
            XCTAssertTrue(e?.message.contains("leader") ?? false, e?.message ?? "")
        }
        // A leader revoked before the bundle was made is no longer an approver.
        let second = try SecretIdentity.generate()
        let lina = try w.session("lina")
        _ = try lina.addMember(id: "liv", name: "Liv Leder", roles: [.leader], identity: second.publicIdentity)
        let liv = HandoverBundle.Signer(entry: try w.certifiedEntry("liv"), key: second.signingKey)
        let beforeRevocation = try w.standalone()
        _ = try lina.revoke(id: "liv", kind: .member)
        let revokedLiv = try w.certifiedEntry("liv")
        let later = Timestamp(seconds: try XCTUnwrap(revokedLiv.revoked).seconds + 10)
        XCTAssertNoThrow(try w.open(try seal(w, try w.manifest(to: police, created: later), approver: liv, maker: beforeRevocation), as: police),
                         "control: on the roster before her revocation, with no keyring and no memory, the approval looks valid")
        for entry in [liv.entry, revokedLiv] {
            expectHandoverError(.authenticationFailed, "the carried roster marks her revoked") {
                try w.open(try seal(w, try w.manifest(to: police, created: later), approver: .init(entry: entry, key: second.signingKey)), as: police)
            }
        }
    }

    /// Like the sender, an approving leader revoked at or before the bundle's time must be
    /// refused when the recipient holds the centre's keyring: otherwise a dismissed leader's
    /// old certificate keeps approving police handovers.
    func testApproverRevokedBeforeTheBundleTimeIsRefusedGivenTheKeyring() throws {
        let w = try HandoverWorld()
        let second = try SecretIdentity.generate()
        let lina = try w.session("lina")
        _ = try lina.addMember(id: "liv", name: "Liv Leder", roles: [.leader], identity: second.publicIdentity)
        let liv = HandoverBundle.Signer(entry: try w.certifiedEntry("liv"), key: second.signingKey)
        let beforeRevocation = try w.standalone()
        _ = try lina.revoke(id: "liv", kind: .member)
        let revoked = try XCTUnwrap(try w.certifiedEntry("liv").revoked)
        let bytes = try seal(w, try w.manifest(to: police, created: revoked), approver: liv, maker: beforeRevocation)
        XCTAssertNoThrow(try w.open(bytes, as: police), "control: her old roster, no keyring")
        expectHandoverError(.authenticationFailed, "approved by liv after her revocation, keyring given") {
            try w.open(bytes, as: police, keyring: try w.keyringText())
        }
    }
}
