import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import SodiumKit
import XCTest

/// An insider with a valid signing key re-encrypts a format-2 field the library would never
/// write: bad padding, a padding bucket other than the one, another σ, another value under the
/// same commitment, another commitment. Readers refuse each in one line; format 1 still opens.
final class FieldFormatTamperTests: XCTestCase {
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

    /// Re-encrypts `path` in the latest version with what `change` makes of its σ and value
    /// (new plaintext and commitment), re-signed by the version's author, who holds the key.
    private func rewrite(_ path: String, holder: String, _ change: (_ sigma: [UInt8], _ value: [UInt8]) -> (plain: [UInt8], vc: [UInt8]?)) throws {
        let chain = try raw.decoded(a)
        var v = chain.last!
        let i = try XCTUnwrap(v.fields.firstIndex { $0.path == path })
        var f = v.fields[i]
        let box = t.identity(holder).boxKey
        let key = try Forge.classKey(f.key, in: chain, reader: holder, key: box, roleKeys: try raw.roleKeys(holder: holder, box: box))
        let ad = CaseVersion.associatedData(vault: v.vaultID, caseID: a, origin: f.origin, key: f.key, path: path, format: 2, vc: f.vc)
        var buffer = [UInt8](repeating: 0, count: f.ciphertext.count - 16)
        let n = try buffer.withUnsafeMutableBytes {
            try XChaCha20Poly1305.open(f.ciphertext, key: key, subkeyContext: FieldCrypto.fieldKeyContext(path), nonce: f.nonce, associatedData: ad, into: $0)
        }
        let value = try Padding.unpad(Array(buffer[32..<n]), blockSize: n - 32)
        let (plain, vc) = change(Array(buffer[..<32]), value)
        f.vc = vc ?? f.vc
        let newAD = CaseVersion.associatedData(vault: v.vaultID, caseID: a, origin: f.origin, key: f.key, path: path, format: 2, vc: f.vc)
        f.ciphertext = try plain.withUnsafeBytes {
            try XChaCha20Poly1305.seal(bytes: $0, key: key, subkeyContext: FieldCrypto.fieldKeyContext(path), nonce: f.nonce, associatedData: newAD)
        }
        v.fields[i] = f
        try Forge.replaceLatest(raw, a, with: v, signedBy: t.identity(v.author))
    }

    private func commitment(_ sigma: [UInt8], _ value: [UInt8], origin: UInt64, path: String) -> [UInt8] {
        sigma.withUnsafeBytes { s in value.withUnsafeBytes { FieldCrypto.commitment(sigma: s, value: $0, vault: t.vault.vaultID, caseID: a, origin: origin, path: path) } }
    }

    private func assertRefused(_ what: String, mentioning: String, readers: [String] = ["kari"], file: StaticString = #filePath, line: UInt = #line) throws {
        for r in readers {
            let s = try t.session(r)
            let e = TestVault.assertFails([.authenticationFailed], "\(what), read by \(r)", file: file, line: line) { try s.showCase(a) }
            XCTAssertTrue(e?.message.contains(mentioning) ?? false, "\(e?.message ?? "")", file: file, line: line)
            XCTAssertFalse(e?.message.contains("\n") ?? true, file: file, line: line)
        }
    }

    func testUntouchedRewriteStillOpens() throws {
        try rewrite("person.gender", holder: "kari") { s, v in (s + (try! Padding.pad(v, blockSize: 48)), nil) }
        XCTAssertEqual(try t.session("kari").showCase(a).fields["person.gender"], try TestVault.sampleFields()["person.gender"])
    }

    func testMalformedPaddingIsRefused() throws {
        try rewrite("person.gender", holder: "kari") { s, v in
            var padded = try! Padding.pad(v, blockSize: 48)
            padded[47] = 1
            return (s + padded, nil)
        }
        try assertRefused("a non-zero byte after the padding marker", mentioning: "person.gender of case \(a!) has malformed padding")
    }

    func testAnotherBucketIsRefused() throws {
        try rewrite("person.gender", holder: "kari") { s, v in (s + (try! Padding.pad(v, blockSize: 96)), nil) }
        try assertRefused("a short value padded to 96 bytes", mentioning: "malformed padding")
        try setUpWithError()
        try rewrite("person.alias", holder: "kari") { s, v in (s + (try! Padding.pad(v, blockSize: 128)), nil) }
        try assertRefused("a short text padded to the next bucket", mentioning: "malformed padding")
    }

    func testAnotherSigmaIsRefused() throws {
        try rewrite("person.gender", holder: "kari") { s, v in ([UInt8](repeating: 7, count: 32) + (try! Padding.pad(v, blockSize: 48)), nil) }
        try assertRefused("σ replaced", mentioning: "does not match its value commitment")
    }

    /// A night-shift worker may re-seal what they read, never change it: keeping the signed
    /// commitment with another value fails for every reader who decrypts it...
    func testResealerChangingAValueUnderTheSameCommitmentIsRefused() throws {
        _ = try t.session("nils").reseal(a)
        try rewrite("person.alias", holder: "nils") { s, _ in (s + (try! Padding.pad([1] + Array("Falsk".utf8), blockSize: 64)), nil) }
        try assertRefused("the alias changed by a re-sealer", mentioning: "person.alias of case \(a!) does not match its value commitment", readers: ["kari", "nils"])
    }

    /// ...and a new commitment fails for every reader, even one who cannot decrypt the field.
    func testResealerChangingTheCommitmentIsRefused() throws {
        _ = try t.session("nils").reseal(a)
        let origin = try XCTUnwrap(try raw.latest(a).fields.first { $0.path == "person.alias" }).origin
        try rewrite("person.alias", holder: "nils") { s, _ in
            let value = [1] + Array("Falsk".utf8)
            return (s + (try! Padding.pad(value, blockSize: 64)), commitment(s, value, origin: origin, path: "person.alias"))
        }
        try assertRefused("the alias and its commitment changed by a re-sealer", mentioning: "does not keep the value commitment of version",
                          readers: ["kari", "nils", "lina"])
    }

    /// A case whose first version is format 1 (written before this format) still opens, takes a
    /// format-2 update on top, and refuses a format-1 version after a format-2 one.
    func testFormat1VersionStillOpensAndIsNotWrittenAfterFormat2() throws {
        let b = try t.session("kari").createCase(recordText: "case: {type: resident, phase: 1, status: open, opened: 2026-11-20}\nperson: {alias: Lilje, gender: female}\n")
        let opened = try t.session("kari").showCase(b)
        XCTAssertTrue(opened.sealedPaths.isEmpty)
        var v1 = try LegacyVersion.make(from: opened.latest, values: opened.fields, roster: try t.vault.roster())
        v1.format = 1
        try Forge.replaceLatest(raw, b, with: v1, signedBy: t.identity("kari"))
        XCTAssertEqual(try raw.latest(b).format, 1)
        XCTAssertEqual(try t.session("nils").showCase(b).fields["person.alias"], .text("Lilje"))
        try t.session("kari").updateCase(b, patchText: "set: {case.phase: 2}")
        let chain = try raw.decoded(b)
        XCTAssertEqual(chain.map(\.format), [1, 2])
        let two = try t.session("nils").showCase(b)
        XCTAssertEqual(two.fields["person.alias"], .text("Lilje"))
        XCTAssertEqual(two.fields["case.phase"], .integer(2))
        var three = chain[1]
        three.version = 3
        three.parentHash = Forge.parentHash(after: try raw.rows(b).last!)
        three.format = 1
        three.fields = three.fields.map { var f = $0; f.vc = CaseVersion.noCommitment; return f }
        try Forge.append(raw, b, three, signedBy: t.identity("kari"))
        let e = TestVault.assertFails([.authenticationFailed], "format 1 after format 2") { try t.session("kari").showCase(b) }
        XCTAssertTrue(e?.message.contains("format 1, older than the version before it") ?? false, e?.message ?? "")
    }
}

/// Writes a version the way format 1 did (no σ, no padding, v1 domain strings), for the reader's
/// backward compatibility: fresh class keys for the same envelopes' holders.
enum LegacyVersion {
    static func make(from v: CaseVersion, values: [String: FieldValue], roster: Roster) throws -> CaseVersion {
        var out = v
        out.format = 1
        var keys: [UInt32: SymmetricKey] = [:]
        for (i, cls) in v.classes.enumerated() {
            let key = try SymmetricKey.generate()
            let ref = CaseVersion.KeyRef(generation: v.version, index: cls.index)
            let secret = try key.withUnsafeBytes { try SecureBytes(copying: $0) }
            out.classes[i].commitment = CaseVersion.commitment(to: key, vault: v.vaultID, caseID: v.caseID, ref: ref, format: 1)
            // Format 1 knew only members' own envelopes: a role envelope becomes one for each
            // member holding the role now; escrow and pseudonym labels are dropped.
            let holders = cls.envelopes.flatMap { e in
                RoleKeys.parseLabel(e.member).map { label in
                    roster.entries.filter { $0.kind == .member && $0.revoked == nil && $0.roles.contains(label.role) }.map(\.id)
                } ?? [e.member]
            }
            out.classes[i].envelopes = try Array(Set(holders)).sorted().compactMap { id in
                try roster.entry(id).map { CaseVersion.Envelope(member: id, sealedKey: try SealedBox.seal(secret, to: $0.identity.boxKey)) }
            }
            keys[cls.index] = key
        }
        out.fields = try v.fields.map { f in
            var g = f
            g.vc = CaseVersion.noCommitment
            let ad = CaseVersion.associatedData(vault: v.vaultID, caseID: v.caseID, origin: f.origin, key: f.key, path: f.path)
            g.ciphertext = try XChaCha20Poly1305.seal(values[f.path]!.encoded(), key: keys[f.key.index]!, nonce: f.nonce, associatedData: ad)
            return g
        }
        return out
    }
}
