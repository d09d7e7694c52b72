import AccessPolicy
@testable import CaseVaultCore
import Foundation
import SodiumKit
import XCTest

/// Someone with write access to `vault.sqlite` changes stored rows. Every read must then fail
/// with an authentication error (or a format error for a non-canonical encoding) and never
/// return wrong plaintext. Each test restores the row and checks the read works again, so a
/// failure is caused by the tampering and nothing else.
final class TamperTests: XCTestCase {
    private var t: TestVault!
    private var raw: RawDatabase!
    private var a: CaseID!
    private var b: CaseID!
    private let readers = ["kari", "cecilie", "nils", "lina", "rita"]

    override func setUpWithError() throws {
        t = try TestVault()
        a = try t.sampleCase()
        b = try t.sampleCase()
        raw = try t.raw()
    }

    override func tearDown() {
        raw = nil
        t = nil
    }

    // MARK: - Helpers

    private func assertReadsFail(_ what: String, as members: [String]? = nil, file: StaticString = #filePath, line: UInt = #line) throws {
        for m in members ?? readers {
            let s = try t.session(m)
            TestVault.assertFails(.tampered, "\(what), read by \(m)", file: file, line: line) { try s.showCase(a) }
        }
    }

    private func assertReadsWork(_ what: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let sample = try TestVault.sampleFields()
        for m in readers {
            do {
                let opened = try t.session(m).showCase(a)
                for (path, value) in opened.fields where path != "case.status" {
                    XCTAssertEqual(value, sample[path], "\(what): \(m) \(path)", file: file, line: line)
                }
            } catch { XCTFail("\(what): \(m) cannot read the untampered case: \(error)", file: file, line: line) }
        }
    }

    /// Stores `change(latest)` in place of the latest version of `a`, with the original signature.
    private func tamperLatest(_ what: String, file: StaticString = #filePath, line: UInt = #line, _ change: (inout CaseVersion) throws -> Void) throws {
        let original = try XCTUnwrap(raw.rows(a).last)
        var v = try CaseVersion.decode(original.body)
        try change(&v)
        let body = v.encoded()
        XCTAssertNotEqual(body, original.body, "\(what): the change changed nothing", file: file, line: line)
        try raw.replace(a, version: original.version, body: body)
        try assertReadsFail(what, file: file, line: line)
        try raw.replace(a, version: original.version, body: original.body, signature: original.signature)
        try assertReadsWork("after restoring (\(what))", file: file, line: line)
    }

    /// Stores `change(latest)` re-signed by `author`: an insider who holds a valid signing key.
    private func forgeLatest(_ what: String, author: String = "kari", failingFor members: [String]? = nil,
                             file: StaticString = #filePath, line: UInt = #line, _ change: (inout CaseVersion) throws -> Void) throws {
        let original = try XCTUnwrap(raw.rows(a).last)
        var v = try CaseVersion.decode(original.body)
        try change(&v)
        try Forge.replaceLatest(raw, a, with: v, signedBy: t.identity(author))
        try assertReadsFail(what, as: members, file: file, line: line)
        try raw.replace(a, version: original.version, body: original.body, signature: original.signature)
        try assertReadsWork("after restoring (\(what))", file: file, line: line)
    }

    private func boxKeys() throws -> [String: BoxPublicKey] {
        var keys = Dictionary(uniqueKeysWithValues: TestVault.allMemberIDs.map { (t.storedID($0), t.identity($0).boxKey.publicKey) })
        // Each case's resident is addressed by pseudonym, at the box key its binding names.
        for (pseudonym, key) in try raw.residentBoxKeys() { keys[pseudonym] = key }
        return keys
    }

    /// Replaces class `index` of `target` by one holding `key` (sealed to the same members, with
    /// a correct commitment), and the ciphertexts of its fields by `source`'s for the same paths.
    /// Everything checks out except the associated data each ciphertext was sealed with.
    private func transplant(into target: inout CaseVersion, classIndex index: UInt32, key: SymmetricKey, from source: [CaseVersion.Field]) throws {
        let ref = CaseVersion.KeyRef(generation: target.version, index: index)
        let i = try XCTUnwrap(target.classes.firstIndex { $0.index == index })
        let secret = try key.withUnsafeBytes { try SecureBytes(copying: $0) }
        let keys = try boxKeys()
        target.classes[i].commitment = CaseVersion.commitment(to: key, vault: target.vaultID, caseID: target.caseID, ref: ref)
        target.classes[i].envelopes = try target.classes[i].envelopes.map {
            CaseVersion.Envelope(member: $0.member, sealedKey: try SealedBox.seal(secret, to: try XCTUnwrap(keys[$0.member])))
        }
        for j in target.fields.indices where target.fields[j].key == ref {
            let src = try XCTUnwrap(source.first { $0.path == target.fields[j].path }, target.fields[j].path)
            target.fields[j].nonce = src.nonce
            target.fields[j].ciphertext = src.ciphertext
        }
    }

    private func classIndex(of path: String, in v: CaseVersion) throws -> UInt32 {
        try XCTUnwrap(v.fields.first { $0.path == path }).key.index
    }

    private func paths(ofClass index: UInt32, in v: CaseVersion) -> Set<String> {
        Set(v.fields.filter { $0.key.index == index && $0.key.generation == v.version }.map(\.path))
    }

    // MARK: - Single bytes in stored rows

    func testFlippingAnyByteOfTheLatestVersionIsRefused() throws {
        let original = try XCTUnwrap(raw.rows(a).last)
        let kari = try t.session("kari")
        var offsets = Array(stride(from: 0, to: original.body.count, by: 53))
        offsets += [original.body.count - 1]
        for offset in offsets {
            var body = original.body
            body[offset] ^= 0x01
            try raw.replace(a, version: original.version, body: body)
            TestVault.assertFails(.tampered, "byte \(offset) of \(original.body.count) flipped") { try kari.showCase(a) }
        }
        try raw.replace(a, version: original.version, body: original.body)
        try assertReadsWork("restored")
    }

    func testFlippedSignatureIsRefused() throws {
        let original = try XCTUnwrap(raw.rows(a).last)
        for offset in [0, 31, 32, 63] {
            var sig = original.signature
            sig[offset] ^= 0x80
            try raw.replace(a, version: original.version, signature: sig)
            try assertReadsFail("signature byte \(offset)")
        }
        try raw.replace(a, version: original.version, signature: Array(original.signature.dropLast()))
        try assertReadsFail("short signature")
        try raw.replace(a, version: original.version, signature: original.signature)
        try assertReadsWork("restored")
    }

    func testFlippedBytesInEachPartOfAVersionAreRefused() throws {
        try tamperLatest("field ciphertext") { $0.fields[5].ciphertext[3] ^= 1 }
        try tamperLatest("field authentication tag") { $0.fields[0].ciphertext[$0.fields[0].ciphertext.count - 1] ^= 1 }
        try tamperLatest("field nonce") { $0.fields[7].nonce[0] ^= 1 }
        try tamperLatest("field origin") { $0.fields[2].origin -= 1 }
        try tamperLatest("field key index") { $0.fields[2].key.index ^= 1 }
        try tamperLatest("field path") { $0.fields[1].path = "person.alias" == $0.fields[1].path ? "person.gender" : "person.alias" }
        try tamperLatest("envelope sealed key") { $0.classes[0].envelopes[0].sealedKey[10] ^= 1 }
        try tamperLatest("envelope recipient") { $0.classes[0].envelopes[0].member = "karl" }
        try tamperLatest("envelope dropped") { $0.classes[0].envelopes.removeLast() }
        try tamperLatest("commitment") { $0.classes[1].commitment[0] ^= 1 }
        try tamperLatest("written list") { $0.written.append("address.new") }
        try tamperLatest("removed list") { $0.removed.append("notes[0].text") }
        try tamperLatest("assignment list") { $0.assignments.append(.init(member: "karl", role: "contact-person")) }
        try tamperLatest("assignment role") { $0.assignments[0].role = "resident" }
        try tamperLatest("author") { $0.author = "lina" }
        try tamperLatest("created") { $0.created = Timestamp(seconds: $0.created.seconds - 1) }
        try tamperLatest("policy serial") { $0.policySerial += 1 }
        try tamperLatest("roster serial") { $0.rosterSerial -= 1 }
        try tamperLatest("parent hash") { $0.parentHash[0] ^= 1 }
        try tamperLatest("field dropped") { $0.fields.remove(at: 4) }
    }

    func testFlippedBytesInTheRemovedListAreRefused() throws {
        try t.session("kari").updateCase(a, patchText: "remove: [\"notes[1]\"]")
        let latest = try raw.latest(a)
        XCTAssertEqual(Set(latest.removed), ["notes[1].date", "notes[1].text"])
        let original = try XCTUnwrap(raw.rows(a).last)
        var v = latest
        v.removed[0] = "notes[1].dbte"
        try raw.replace(a, version: original.version, body: v.encoded())
        try assertReadsFail("removed path changed")
        try raw.replace(a, version: original.version, body: original.body)
        XCTAssertNoThrow(try t.session("kari").showCase(a))
    }

    func testTamperingWithAnOlderVersionIsRefused() throws {
        let first = try raw.row(a, 1)
        var v = try CaseVersion.decode(first.body)
        v.fields[0].ciphertext[0] ^= 1
        try raw.replace(a, version: 1, body: v.encoded())
        try assertReadsFail("version 1 ciphertext")
        try raw.replace(a, version: 1, body: first.body)
        try assertReadsWork("restored")
    }

    func testNonCanonicalEncodingIsRefused() throws {
        let original = try XCTUnwrap(raw.rows(a).last)
        try raw.replace(a, version: original.version, body: original.body + [0])
        TestVault.assertFails([.unsupportedFormat], "trailing byte") { try t.session("kari").showCase(a) }
        var wrongMagic = original.body
        wrongMagic[3] = 3
        try raw.replace(a, version: original.version, body: wrongMagic)
        TestVault.assertFails([.unsupportedFormat], "unknown version format") { try t.session("kari").showCase(a) }
        try raw.replace(a, version: original.version, body: Array(original.body.prefix(100)))
        TestVault.assertFails([.unsupportedFormat], "truncated") { try t.session("kari").showCase(a) }
        try raw.replace(a, version: original.version, body: original.body)
        try assertReadsWork("restored")
    }

    // MARK: - Ciphertexts moved, re-signed by a valid author

    /// Re-sealing a class of `a` with its own key and its own ciphertexts must work: the
    /// transplant mechanics are sound, so the failures below come from the associated data.
    func testTransplantControlWorks() throws {
        let chain = try raw.decoded(a)
        var v = chain.last!
        let c = try classIndex(of: "person.legal_name", in: v)
        let key = try Forge.classKey(.init(generation: v.version, index: c), in: chain, reader: "kari", key: t.identity("kari").boxKey)
        try transplant(into: &v, classIndex: c, key: key, from: v.fields)
        try Forge.replaceLatest(raw, a, with: v, signedBy: t.identity("kari"))
        try assertReadsWork("own class re-sealed")
    }

    func testCiphertextMovedToAnotherFieldOfTheSameClassFails() throws {
        try forgeLatest("legal name and national id ciphertexts swapped", failingFor: ["kari", "rita"]) { v in
            let i = try XCTUnwrap(v.fields.firstIndex { $0.path == "person.legal_name" })
            let j = try XCTUnwrap(v.fields.firstIndex { $0.path == "person.national_id" })
            XCTAssertEqual(v.fields[i].key, v.fields[j].key, "precondition: both fields share one class key")
            (v.fields[i].nonce, v.fields[j].nonce) = (v.fields[j].nonce, v.fields[i].nonce)
            (v.fields[i].ciphertext, v.fields[j].ciphertext) = (v.fields[j].ciphertext, v.fields[i].ciphertext)
        }
    }

    func testCiphertextMovedFromAnotherCaseFails() throws {
        let chainA = try raw.decoded(a), chainB = try raw.decoded(b)
        var target = chainA.last!
        let source = chainB.last!
        let c = try classIndex(of: "person.legal_name", in: target)
        XCTAssertEqual(try classIndex(of: "person.legal_name", in: source), c)
        XCTAssertEqual(paths(ofClass: c, in: target), paths(ofClass: c, in: source), "precondition: same class layout in both cases")
        let key = try Forge.classKey(.init(generation: source.version, index: c), in: chainB, reader: "kari", key: t.identity("kari").boxKey)
        try transplant(into: &target, classIndex: c, key: key, from: source.fields)
        try Forge.replaceLatest(raw, a, with: target, signedBy: t.identity("kari"))
        try assertReadsFail("class ciphertexts from another case", as: ["kari", "rita"])
    }

    func testCiphertextMovedFromAnotherVersionFails() throws {
        try t.session("kari").updateCase(a, patchText: "set: {case.status: on-hold}")
        let chain = try raw.decoded(a)
        var target = chain[3]
        let source = chain[2]
        let c = try classIndex(of: "person.legal_name", in: target)
        XCTAssertEqual(try classIndex(of: "person.legal_name", in: source), c)
        XCTAssertEqual(paths(ofClass: c, in: target), paths(ofClass: c, in: source), "precondition: same class layout in both versions")
        XCTAssertFalse(paths(ofClass: c, in: target).contains("case.status"))
        let key = try Forge.classKey(.init(generation: source.version, index: c), in: chain, reader: "kari", key: t.identity("kari").boxKey)
        try transplant(into: &target, classIndex: c, key: key, from: source.fields)
        try Forge.replaceLatest(raw, a, with: target, signedBy: t.identity("kari"))
        try assertReadsFail("class ciphertexts from the previous version", as: ["kari", "rita"])
    }

    func testSwappedEnvelopesFail() throws {
        try forgeLatest("kari's and rita's sealed keys swapped", failingFor: ["kari", "rita"]) { v in
            let c = try XCTUnwrap(v.classes.firstIndex { cls in cls.envelopes.contains { $0.member == "kari" } && cls.envelopes.contains { $0.member == t.storedID("rita") } })
            let i = try XCTUnwrap(v.classes[c].envelopes.firstIndex { $0.member == "kari" })
            let j = try XCTUnwrap(v.classes[c].envelopes.firstIndex { $0.member == t.storedID("rita") })
            (v.classes[c].envelopes[i].sealedKey, v.classes[c].envelopes[j].sealedKey) = (v.classes[c].envelopes[j].sealedKey, v.classes[c].envelopes[i].sealedKey)
        }
    }

    func testWrongCommitmentFails() throws {
        try forgeLatest("commitment of the legal-name class", failingFor: ["kari", "rita"]) { v in
            let c = try self.classIndex(of: "person.legal_name", in: v)
            let i = try XCTUnwrap(v.classes.firstIndex { $0.index == c })
            v.classes[i].commitment[31] ^= 1
        }
    }

    /// A class key sealed to one reader differs from the key the others got: the commitment
    /// shows it, so two readers can never see different plaintexts.
    func testDifferentKeyForOneReaderFails() throws {
        try forgeLatest("rita gets another key", failingFor: ["rita"]) { v in
            let c = try self.classIndex(of: "person.legal_name", in: v)
            let i = try XCTUnwrap(v.classes.firstIndex { $0.index == c })
            let j = try XCTUnwrap(v.classes[i].envelopes.firstIndex { $0.member == t.storedID("rita") })
            v.classes[i].envelopes[j].sealedKey = try SealedBox.seal(try SecureBytes.random(count: 32), to: t.identity("rita").boxKey.publicKey)
        }
    }

    // MARK: - Rows moved, swapped, deleted

    func testSwappedVersionsAreRefused() throws {
        let v2 = try raw.row(a, 2), v3 = try raw.row(a, 3)
        try raw.replace(a, version: 2, body: v3.body, signature: v3.signature)
        try raw.replace(a, version: 3, body: v2.body, signature: v2.signature)
        try assertReadsFail("versions 2 and 3 swapped")
    }

    func testDeletedMiddleVersionIsRefused() throws {
        try raw.delete(a, version: 2)
        try assertReadsFail("version 2 deleted")
        try raw.execute("UPDATE case_versions SET version = 2 WHERE case_id = ? AND version = 3", [Data(a.bytes)])
        try assertReadsFail("version 2 deleted and version 3 renumbered")
    }

    func testVersionRowFromAnotherCaseIsRefused() throws {
        for version: Int64 in [3, 2, 1] {
            let own = try raw.row(a, version)
            let other = try raw.row(b, version)
            try raw.replace(a, version: version, body: other.body, signature: other.signature)
            try assertReadsFail("version \(version) replaced by another case's")
            try raw.replace(a, version: version, body: own.body, signature: own.signature)
        }
        try assertReadsWork("restored")
    }

    func testCaseRowsMovedToAnotherIDAreRefused() throws {
        let moved = try CaseID("0123456789abcdef0123")
        try raw.execute("UPDATE case_versions SET case_id = ? WHERE case_id = ?", [Data(moved.bytes), Data(a.bytes)])
        let kari = try t.session("kari")
        TestVault.assertFails(.tampered, "a whole case under another id") { try kari.showCase(moved) }
    }

    /// A member outside a case learns nothing about it, even when it is damaged: the answer to
    /// a direct look is "not found", and a listing does not name it (krisesenterlova § 5).
    func testTamperedCaseStaysHiddenFromMembersOutsideIt() throws {
        let original = try XCTUnwrap(raw.rows(a).last)
        var body = original.body
        body[body.count / 2] ^= 1
        try raw.replace(a, version: original.version, body: body)
        let karl = try t.session("karl")
        TestVault.assertFails([.notFound], "karl looks at a damaged case he is not assigned to") { try karl.showCase(a) }
        do {
            let listed = try karl.listCases()
            XCTAssertFalse(listed.contains { $0.caseID == a })
        } catch {
            XCTAssertFalse("\(error)".contains(a.hex), "a listing error names a case karl cannot reach: \(error)")
        }
    }

    // MARK: - Authors, roster and policy

    /// The same forged version is accepted while its author is active and refused once the
    /// author is revoked before the version's time.
    func testVersionByRevokedAuthorIsRefused() throws {
        let kari = t.identity("kari")
        func forge(created: Timestamp) throws {
            let rows = try raw.rows(a)
            var v = try CaseVersion.decode(rows.last!.body)
            v.version += 1
            v.parentHash = Forge.parentHash(after: rows.last!)
            v.created = created
            v.rosterSerial = try t.vault.roster().serial
            v.written = []
            v.removed = []
            v.classes = []  // every field carried forward unchanged
            try Forge.append(raw, a, v, signedBy: kari)
        }
        try forge(created: .now())
        try assertReadsWork("a carried-forward version by an active author")
        try raw.delete(a, version: 4)

        _ = try t.session("lina").revoke(id: "kari", kind: .member)
        let revoked = try XCTUnwrap(try t.vault.roster().entry("kari")?.revoked)
        try forge(created: Timestamp(seconds: revoked.seconds + 1))
        try assertReadsFail("a version by kari the second after her revocation", as: ["cecilie", "nils", "lina", "rita"])
        try raw.delete(a, version: 4)
        try forge(created: Timestamp(seconds: revoked.seconds + 3600))
        try assertReadsFail("a version by kari after her revocation", as: ["cecilie", "nils", "lina", "rita"])
    }

    /// Times are whole seconds: a version written in the same second as its author's revocation
    /// (a leader acting at once, or a script) is not "after" the revocation, and the case must
    /// stay readable rather than become unreadable for everyone.
    func testVersionInTheSecondOfTheRevocationStaysReadable() throws {
        let created = try CaseVersion.decode(try raw.rows(a).last!.body).created
        // The test clock stands still in the second kari's version was written (however long the
        // set-up took), so the revocation falls in it.
        t.clock.advance(seconds: created.seconds - t.clock.now().seconds)
        t.clock.freeze()
        _ = try t.session("lina").revoke(id: "kari", kind: .member)
        let revoked = try XCTUnwrap(try t.vault.roster().entry("kari")?.revoked)
        XCTAssertEqual(revoked, created)
        XCTAssertTrue(try raw.rows(a).contains { (try? CaseVersion.decode($0.body).author) == "kari" }, "kari's versions stay in the chain")
        for m in ["cecilie", "nils", "lina", "rita"] {
            XCTAssertNoThrow(try t.session(m).showCase(a), m)
        }
    }

    /// A revoked author backdates a version to before their revocation, after a later version
    /// by someone else: time in a case's chain must not run backwards.
    func testBackdatedVersionByRevokedAuthorIsRefused() throws {
        t.clock.advance(seconds: 2)
        _ = try t.session("lina").revoke(id: "kari", kind: .member)
        let revoked = try XCTUnwrap(try t.vault.roster().entry("kari")?.revoked)
        try t.session("lina").updateCase(a, patchText: "set: {case.status: on-hold}")
        let rows = try raw.rows(a)
        XCTAssertGreaterThanOrEqual(try CaseVersion.decode(rows.last!.body).created, revoked)
        var v = try CaseVersion.decode(rows.last!.body)
        v.version += 1
        v.parentHash = Forge.parentHash(after: rows.last!)
        v.author = "kari"
        v.created = Timestamp(seconds: revoked.seconds - 1)
        v.written = []
        v.removed = []
        v.classes = []
        try Forge.append(raw, a, v, signedBy: t.identity("kari"))
        try assertReadsFail("a backdated version by a revoked author", as: ["cecilie", "nils", "lina", "rita"])
    }

    func testTamperedRosterRowIsRefused() throws {
        let text = try XCTUnwrap(try raw.text("SELECT text FROM rosters ORDER BY serial DESC LIMIT 1"))
        let bytes = Array(text.utf8)
        let serial = try t.vault.roster().serial
        for offset in stride(from: 0, to: bytes.count, by: 41) {
            var changed = bytes
            changed[offset] = changed[offset] == 0x41 ? 0x42 : 0x41
            try raw.execute("UPDATE rosters SET text = ? WHERE serial = ?", [String(decoding: changed, as: UTF8.self), Int64(serial)])
            TestVault.assertFails(.tampered, "roster byte \(offset)") { try t.session("kari") }
            TestVault.assertFails(.tampered, "roster byte \(offset), vault.roster()") { try t.vault.roster() }
        }
        try raw.execute("UPDATE rosters SET text = ? WHERE serial = ?", [text, Int64(serial)])
        XCTAssertNoThrow(try t.session("kari").showCase(a))
    }

    func testDeletedOrReorderedRosterRowsAreRefused() throws {
        try raw.execute("DELETE FROM rosters WHERE serial = 3")
        TestVault.assertFails(.tampered, "roster serial 3 deleted") { try t.vault.roster() }
    }

    /// Rolling the roster back (deleting its newest rows, e.g. to undo a revocation) must not
    /// let a case written under the newer roster be read as if nothing happened.
    func testRosterRollbackIsDetectedByTheCaseChain() throws {
        _ = try t.session("lina").revoke(id: "karl", kind: .member)
        try t.session("kari").updateCase(a, patchText: "set: {case.status: on-hold}")
        let latestSerial = try t.vault.roster().serial
        try raw.execute("DELETE FROM rosters WHERE serial = ?", [Int64(latestSerial)])
        XCTAssertNil(try t.vault.roster().entry("karl")?.revoked, "precondition: the rollback un-revoked karl")
        TestVault.assertFails(.tampered, "case written under a roster newer than the vault's") { try t.session("kari").showCase(a) }
    }

    func testTamperedPolicyRowIsRefused() throws {
        let original = try XCTUnwrap(try raw.blob("SELECT text FROM policies WHERE serial = 1"))
        var changed = original
        let i = try XCTUnwrap(changed.firstIndex(of: UInt8(ascii: "["))) // first role list
        changed[i + 1] ^= 0x20
        try raw.execute("UPDATE policies SET text = ? WHERE serial = 1", [Data(changed)])
        TestVault.assertFails(.tampered, "policy text") { try t.vault.policy() }
        TestVault.assertFails(.tampered, "policy text, read") { try t.session("kari").showCase(a) }

        // A policy that grants the night shift every field, with a valid-looking but wrong signature.
        let widened = String(decoding: original, as: UTF8.self).replacingOccurrences(of: "{read: [contact-person,", with: "{read: [night-shift, contact-person,")
        try raw.execute("UPDATE policies SET text = ? WHERE serial = 1", [Data(widened.utf8)])
        TestVault.assertFails(.tampered, "widened policy") { try t.session("nils").showCase(a) }

        let sig = try XCTUnwrap(try raw.blob("SELECT signature FROM policies WHERE serial = 1"))
        var badSig = sig
        badSig[0] ^= 1
        try raw.execute("UPDATE policies SET text = ?, signature = ? WHERE serial = 1", [Data(original), Data(badSig)])
        TestVault.assertFails(.tampered, "policy signature") { try t.vault.policy() }

        try raw.execute("UPDATE policies SET signature = ? WHERE serial = 1", [Data(sig)])
        XCTAssertNoThrow(try t.session("kari").showCase(a))
    }
}
