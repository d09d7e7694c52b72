@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import Foundation
import SodiumKit
import XCTest

/// The centre root key lives in a file of its own; older files holding it beside a member's keys
/// are refused until split; a passphrase change replaces the file whole; weak passphrases are refused.
final class RootKeyFileTests: XCTestCase {
    private var dir: String!
    private var savedKDF: String?
    private let strong = "riktig hest batteri stift"
    private let other = "fjell tau melk sykkel"

    override func setUpWithError() throws {
        savedKDF = getenv("CASEVAULT_TEST_INSECURE_KDF").map { String(cString: $0) }
        setenv("CASEVAULT_TEST_INSECURE_KDF", "1", 1)
        dir = NSTemporaryDirectory() + "casevault-rootkey-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDown() {
        if let savedKDF { setenv("CASEVAULT_TEST_INSECURE_KDF", savedKDF, 1) } else { unsetenv("CASEVAULT_TEST_INSECURE_KDF") }
        try? FileManager.default.removeItem(atPath: dir)
    }

    private func secret(_ s: String) throws -> SecureBytes {
        var bytes = Array(s.utf8)
        return try SecureBytes(consuming: &bytes)
    }

    /// A version 1 key file as CaseVault wrote it before the root moved out (FORMAT.md, "Key file",
    /// version 1): built here from the documented layout, since no writer of it remains.
    private func legacyFile(_ identity: SecretIdentity, passphrase: String) throws -> [UInt8] {
        let limits = PasswordKDF.Limits.testOnlyMinimum
        let salt = Random.bytes(PasswordKDF.saltByteCount)
        let nonce = XChaCha20Poly1305.randomNonce()
        var header = ByteWriter()
        header.raw(KeyFile.magic)
        header.u8(1)
        header.u8(1)
        header.u64(limits.opsLimit)
        header.u64(limits.memLimit)
        header.raw(salt)
        header.raw(nonce)
        header.raw(identity.boxKey.publicKey.bytes)
        header.raw(identity.signingKey.publicKey.bytes)
        var secrets: [UInt8] = []
        identity.boxKey.withUnsafeSecretBytes { secrets += Array($0) }
        identity.signingKey.withUnsafeSeedBytes { secrets += Array($0) }
        if let root = identity.centreRootKey {
            header.u8(1)
            header.raw(root.publicKey.bytes)
            root.withUnsafeSeedBytes { secrets += Array($0) }
        } else {
            header.u8(0)
        }
        let key = try PasswordKDF.deriveKey(passphrase: try secret(passphrase), salt: salt, limits: limits)
        let plain = try SecureBytes(consuming: &secrets)
        let ct = try plain.withUnsafeBytes { p in try XChaCha20Poly1305.seal(bytes: p, key: key, nonce: nonce, associatedData: header.bytes) }
        var out = header
        out.data(ct)
        out.raw(BLAKE2b.hash(KeyFile.checksumDomain + out.bytes))
        return out.bytes
    }

    private func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let path = dir + "/" + name
        try SecureFile.createExclusive(path, bytes)
        return path
    }

    func testTheRootFileHoldsOnlyTheRootAndIsNotAMembersFile() throws {
        let leader = try SecretIdentity.generate(withCentreRoot: true)
        let root = try XCTUnwrap(leader.centreRootKey)
        let rootPath = dir + "/root.cvkey"
        try RootKeyFile.write(root, to: rootPath, passphrase: try secret(strong))
        let bytes = try SecureFile.read(rootPath, what: "test")
        XCTAssertEqual(bytes[KeyFile.magic.count + 1], 2, "kind: the centre root")
        XCTAssertEqual(try RootKeyFile.load(from: rootPath, passphrase: try secret(strong)).publicKey, root.publicKey)
        TestVault.assertFails([.invalidInput], "a root file as a member's") { try KeyFile.decode(bytes, passphrase: try self.secret(self.strong)) }
        TestVault.assertFails([.invalidInput], "public half of a root file") { try KeyFile.publicIdentity(of: bytes) }
        let memberPath = dir + "/lina.cvkey"
        try KeyFile.write(leader, to: memberPath, passphrase: try secret(strong))
        TestVault.assertFails([.invalidInput], "a member's file as the root") { try RootKeyFile.load(from: memberPath, passphrase: try self.secret(self.strong)) }
        TestVault.assertFails([.authenticationFailed], "wrong root passphrase") { try RootKeyFile.load(from: rootPath, passphrase: try self.secret(self.other)) }
    }

    func testALegacyMemberFileStillOpensAndALegacyFileHoldingTheRootIsRefusedUntilSplit() throws {
        let member = try SecretIdentity.generate()
        XCTAssertEqual(try KeyFile.decode(try legacyFile(member, passphrase: strong), passphrase: try secret(strong)).publicIdentity, member.publicIdentity)

        let leader = try SecretIdentity.generate(withCentreRoot: true)
        let path = try write(try legacyFile(leader, passphrase: strong), "old-lina.cvkey")
        let e = TestVault.assertFails([.refused], "legacy file with the root") { try KeyFile.load(from: path, passphrase: try self.secret(self.strong)) }
        XCTAssertTrue(e?.message.contains("casevault identity split-root") ?? false, e?.message ?? "")

        let rootPath = dir + "/root.cvkey"
        let fingerprint = try KeyFileChange.splitRoot(at: path, passphrase: try secret(strong), rootOut: rootPath, rootPassphrase: try secret(other))
        XCTAssertEqual(fingerprint, Fingerprint.root(try XCTUnwrap(leader.centreRootKey).publicKey))
        let opened = try KeyFile.load(from: path, passphrase: try secret(strong))
        XCTAssertEqual(opened.publicIdentity, leader.publicIdentity)
        XCTAssertNil(opened.centreRootKey)
        XCTAssertEqual(try RootKeyFile.load(from: rootPath, passphrase: try secret(other)).publicKey, leader.centreRootKey?.publicKey)
        XCTAssertFalse(try SecureFile.read(path, what: "test").contains(subsequence: try XCTUnwrap(leader.centreRootKey).publicKey.bytes),
                       "the member's file no longer even names the root")
        TestVault.assertFails([.invalidInput], "nothing left to split") {
            try KeyFileChange.splitRoot(at: path, passphrase: try self.secret(self.strong), rootOut: self.dir + "/again.cvkey", rootPassphrase: try self.secret(self.other))
        }
    }

    func testAPassphraseChangeReplacesTheFileAndTheOldPassphraseNoLongerOpensIt() throws {
        let identity = try SecretIdentity.generate()
        let path = dir + "/kari.cvkey"
        try KeyFile.write(identity, to: path, passphrase: try secret(strong))
        try KeyFileChange.changePassphrase(at: path, old: try secret(strong), new: try secret(other))
        XCTAssertEqual(try KeyFile.load(from: path, passphrase: try secret(other)).publicIdentity, identity.publicIdentity)
        TestVault.assertFails([.authenticationFailed], "old passphrase") { try KeyFile.load(from: path, passphrase: try self.secret(self.strong)) }
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        XCTAssertEqual(mode?.intValue, 0o600)

        // Refused changes leave the file as it was, byte for byte.
        let before = try SecureFile.read(path, what: "test")
        TestVault.assertFails([.authenticationFailed], "wrong current passphrase") {
            try KeyFileChange.changePassphrase(at: path, old: try self.secret(self.strong), new: try self.secret("en helt annen lang frase"))
        }
        TestVault.assertFails([.invalidInput], "weak new passphrase") {
            try KeyFileChange.changePassphrase(at: path, old: try self.secret(self.other), new: try self.secret("kort"))
        }
        XCTAssertEqual(try SecureFile.read(path, what: "test"), before)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["kari.cvkey"], "no temporary file left")

        // The root file's passphrase changes the same way.
        let root = try XCTUnwrap(try SecretIdentity.generate(withCentreRoot: true).centreRootKey)
        let rootPath = dir + "/root.cvkey"
        try RootKeyFile.write(root, to: rootPath, passphrase: try secret(strong))
        try KeyFileChange.changePassphrase(at: rootPath, old: try secret(strong), new: try secret(other))
        XCTAssertEqual(try RootKeyFile.load(from: rootPath, passphrase: try secret(other)).publicKey, root.publicKey)
    }

    func testWeakPassphrasesAreRefusedWithAReasonAndStrongOnesPass() throws {
        for weak in ["", "kort", "elleve tegn", "aaaaaaaaaaaaaaaa", "abcabcabcabcabc", "121212121212", "Password1234", "correct horse battery staple", "abcdeabcdeab"] {
            XCTAssertNotNil(PassphraseStrength.weakness(of: try secret(weak)), weak)
        }
        for fine in [strong, other, "Blåbær-syltetøy 1987!", "to tusen og tjuefem hester"] {
            XCTAssertNil(PassphraseStrength.weakness(of: try secret(fine)), fine)
        }
        let why = try XCTUnwrap(PassphraseStrength.weakness(of: try secret("hemmelig")))
        XCTAssertFalse(why.contains("hemmelig"), "the reason never repeats the passphrase")
    }
}

private extension Array where Element == UInt8 {
    func contains(subsequence: [UInt8]) -> Bool {
        guard subsequence.count <= count else { return false }
        return (0...(count - subsequence.count)).contains { Array(self[$0..<$0 + subsequence.count]) == subsequence }
    }
}
