import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import CaseVaultSamples
import Foundation
import SodiumKit
import XCTest

/// The role × field matrix going around the library: read `vault.sqlite` directly, decode the
/// stored versions, and try every member's X25519 key on every envelope. Access must hold for
/// someone who skips CaseVault's own checks and uses only their key.
final class DatabaseMatrixTests: XCTestCase {
    private var t: TestVault!
    private var caseID: CaseID!
    private var chain: [CaseVersion] = []
    private var sample: [String: FieldValue] = [:]
    private let expected = ExpectedAccess.sample()

    override func setUpWithError() throws {
        t = try TestVault()
        caseID = try t.sampleCase()
        chain = try t.raw().decoded(caseID)
        sample = try TestVault.sampleFields()
    }

    override func tearDown() { t = nil }

    private var latest: CaseVersion { chain.last! }

    func testStoredAssignmentsAndPaths() {
        XCTAssertEqual(chain.map(\.version), [1, 2, 3])
        XCTAssertEqual(Set(latest.assignments.map { "\(t.testID($0.member))/\($0.role)" }),
                       ["kari/contact-person", "cecilie/child-contact", "rita/resident"])
        XCTAssertEqual(Set(latest.fields.map(\.path)), Set(sample.keys))
        XCTAssertEqual(latest.fields.count, sample.count, "each path stored once")
    }

    /// Each access class is sealed to exactly the roles and members the policy lets read its fields, and
    /// fields with the same reader set share one class.
    func testEnvelopesAddressExactlyThePolicysReaders() throws {
        var readersByClass: [UInt32: Set<String>] = [:]
        for f in latest.fields {
            XCTAssertEqual(f.key.generation, latest.version, "\(f.path) should be sealed in the latest version")
            let want = expected.recipientLabels(of: f.path)
            if let known = readersByClass[f.key.index] {
                XCTAssertEqual(known, want, "\(f.path) shares a class with fields of another reader set")
            } else {
                readersByClass[f.key.index] = want
            }
        }
        for cls in latest.classes {
            let addressed = cls.envelopes.map { t.testID($0.member) }
            XCTAssertEqual(addressed.count, Set(addressed).count, "class \(cls.index) seals twice to one member")
            XCTAssertEqual(Set(addressed), readersByClass[cls.index], "class \(cls.index)")
            XCTAssertFalse(addressed.contains("anne"), "the auditor never receives content keys")
            XCTAssertFalse(addressed.contains("karl"), "an unassigned contact person receives no keys")
        }
        XCTAssertEqual(latest.classes.count, Set(readersByClass.values).count, "one class per distinct reader set")
    }

    /// Every member tries their key on every envelope of every stored version: only their own opens.
    func testNoMemberOpensAnEnvelopeNotAddressedToThem() throws {
        let police = try t.addRecipient("politi-ost", role: .police)
        var keys = Dictionary(uniqueKeysWithValues: TestVault.allMemberIDs.map { ($0, t.identity($0).boxKey) })
        keys["politi-ost"] = police.boxKey
        var opened = 0
        for v in chain {
            for cls in v.classes {
                for envelope in cls.envelopes {
                    for (member, key) in keys {
                        let result = Result { try SealedBox.open(envelope.sealedKey, with: key) }
                        if t.storedID(member) == envelope.member {
                            XCTAssertNoThrow(try result.get(), "\(member) cannot open their own envelope")
                            opened += 1
                        } else if case .success = result {
                            XCTFail("\(member) opened an envelope addressed to \(envelope.member) (v\(v.version) class \(cls.index))")
                        }
                    }
                }
            }
        }
        XCTAssertGreaterThan(opened, 10)
    }

    /// With the class keys from their own envelopes and each field's associated data, a member
    /// decrypts exactly the fields the policy allows, and gets the values that were written.
    func testOwnClassKeysDecryptExactlyTheAllowedFields() throws {
        for member in TestVault.allMemberIDs {
            let box = t.identity(member).boxKey
            // The role keys whose seeds are sealed to this member, straight from the database.
            let roleKeys = try t.raw().roleKeys(holder: member, box: box)
            var classKeys: [CaseVersion.KeyRef: SymmetricKey] = [:]
            for v in chain {
                for cls in v.classes {
                    guard let envelope = cls.envelopes.first(where: { $0.member == t.storedID(member) || roleKeys[$0.member] != nil }) else { continue }
                    let key = try SymmetricKey(secret: try SealedBox.open(envelope.sealedKey, with: roleKeys[envelope.member] ?? box))
                    let ref = CaseVersion.KeyRef(generation: v.version, index: cls.index)
                    XCTAssertEqual(CaseVersion.commitment(to: key, vault: v.vaultID, caseID: v.caseID, ref: ref), cls.commitment,
                                   "the key \(member) received does not match its commitment")
                    classKeys[ref] = key
                }
            }
            let decrypted = RawField.readable(latest, chain: chain, keys: classKeys)
            let want = expected.readable(by: member, among: sample.keys)
            XCTAssertEqual(Set(decrypted.keys), want,
                           "\(member): extra \(Set(decrypted.keys).subtracting(want).sorted()), missing \(want.subtracting(decrypted.keys).sorted())")
            for (path, value) in decrypted { XCTAssertEqual(value, sample[path], "\(member) \(path)") }
        }
    }

    /// Names, addresses, identity numbers and narrative never reach the database file, its WAL
    /// or the Keys/ folder in clear.
    func testNoPlaintextOnDisk() throws {
        _ = try t.session("kari").showCase(caseID, reason: "Samtale med beboer om ny bolig")
        let secrets = ["Anna Fiktiv Testesen", SampleCase.adultNationalID, SampleCase.childNationalID, "Lindeveien", "Ola Fiktiv Voldsen",
                       "Blåklokke", "Kvelning", "Mia Fiktiv", "SAM-2026-014", "Samtale med beboer"]
        var files: [String] = []
        let fm = FileManager.default
        let enumerator = try XCTUnwrap(fm.enumerator(atPath: t.directory))
        while let name = enumerator.nextObject() as? String {
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: t.directory + "/" + name, isDirectory: &isDir), !isDir.boolValue { files.append(name) }
        }
        XCTAssertTrue(files.contains("vault.sqlite"))
        for name in files {
            let bytes = try XCTUnwrap(fm.contents(atPath: t.directory + "/" + name))
            for secret in secrets {
                XCTAssertNil(bytes.range(of: Data(secret.utf8)), "\(secret) found in clear in \(name)")
            }
        }
    }

    /// Unassigning a member stops new keys reaching them: the next version has no envelope for
    /// them, and the keys they still hold for older versions do not open its fields.
    func testUnassignedMemberCannotOpenTheNextVersion() throws {
        try t.session("kari").assign(caseID, memberID: "cecilie", role: .childContact, remove: true)
        let chain = try t.raw().decoded(caseID)
        let newest = chain.last!
        XCTAssertFalse(newest.classes.contains { $0.envelopes.contains { $0.member == "cecilie" } })
        var oldKeys: [SymmetricKey] = []
        for v in chain.dropLast() {
            for cls in v.classes {
                if let e = cls.envelopes.first(where: { $0.member == "cecilie" }) {
                    oldKeys.append(try SymmetricKey(secret: try SealedBox.open(e.sealedKey, with: t.identity("cecilie").boxKey)))
                }
            }
        }
        XCTAssertFalse(oldKeys.isEmpty)
        for f in newest.fields where f.origin == newest.version {
            let ad = CaseVersion.associatedData(vault: newest.vaultID, caseID: caseID, origin: f.origin, key: f.key, path: f.path)
            for key in oldKeys {
                XCTAssertThrowsError(try XChaCha20Poly1305.open(f.ciphertext, key: key, nonce: f.nonce, associatedData: ad))
            }
        }
    }
}
