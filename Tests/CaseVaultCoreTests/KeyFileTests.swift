@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import Foundation
import SodiumKit
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Passphrase-protected key files: a wrong passphrase is told apart from a corrupt file,
/// permissions are checked, nothing is overwritten, no secret lands in Keys/, weak work
/// factors are refused outside tests, and no secret ever reaches a description.
final class KeyFileTests: XCTestCase {
    private var dir: String!
    private var savedKDF: String?

    override func setUpWithError() throws {
        savedKDF = getenv("CASEVAULT_TEST_INSECURE_KDF").map { String(cString: $0) }
        setenv("CASEVAULT_TEST_INSECURE_KDF", "1", 1)
        dir = NSTemporaryDirectory() + "casevault-keyfile-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDown() {
        if let savedKDF { setenv("CASEVAULT_TEST_INSECURE_KDF", savedKDF, 1) } else { unsetenv("CASEVAULT_TEST_INSECURE_KDF") }
        try? FileManager.default.removeItem(atPath: dir)
    }

    private func passphrase(_ s: String) throws -> SecureBytes {
        var bytes = Array(s.utf8)
        return try SecureBytes(consuming: &bytes)
    }

    /// Runs `body` with the test-only KDF switch off, restoring it afterwards.
    private func withProductionKDF<T>(_ body: () throws -> T) rethrows -> T {
        unsetenv("CASEVAULT_TEST_INSECURE_KDF")
        defer { setenv("CASEVAULT_TEST_INSECURE_KDF", "1", 1) }
        XCTAssertFalse(KDFSettings.testModeEnabled)
        return try body()
    }

    /// Re-computes the trailing checksum after a deliberate header change, so the change reaches the later checks.
    private func rechecksummed(_ bytes: [UInt8]) -> [UInt8] {
        let body = Array(bytes.dropLast(32))
        return body + BLAKE2b.hash(KeyFile.checksumDomain + body)
    }

    private func assertKind(_ kind: VaultError.Kind, _ what: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Any) {
        TestVault.assertFails([kind], what, file: file, line: line, body)
    }

    func testRoundTripNeverWritesTheCentreRootIntoAMembersFile() throws {
        for withRoot in [false, true] {
            let identity = try SecretIdentity.generate(withCentreRoot: withRoot)
            let bytes = try KeyFile.encode(identity, passphrase: try passphrase("riktig hest batteri stift"))
            XCTAssertEqual(bytes[KeyFile.magic.count], 2, "version 2")
            XCTAssertEqual(bytes[KeyFile.magic.count + 1], 1, "kind: a member's keys")
            let back = try KeyFile.decode(bytes, passphrase: try passphrase("riktig hest batteri stift"))
            XCTAssertEqual(back.publicIdentity, identity.publicIdentity)
            XCTAssertNil(back.centreRootKey, "the root has its own file")
            XCTAssertEqual(try KeyFile.publicIdentity(of: bytes), identity.publicIdentity, "the public half needs no passphrase")
            // The decoded keys work: what one seals, the other opens; what one signs, the other verifies.
            let secret = try SecureBytes.random(count: 32)
            let sealed = try SealedBox.seal(secret, to: identity.boxKey.publicKey)
            XCTAssertTrue(try SealedBox.open(sealed, with: back.boxKey).constantTimeEquals(secret))
            XCTAssertNoThrow(try identity.signingKey.publicKey.verify(back.signingKey.signature(for: [1, 2, 3]), for: [1, 2, 3]))
        }
    }

    func testWrongPassphraseIsAnAuthenticationFailure() throws {
        let bytes = try KeyFile.encode(try SecretIdentity.generate(), passphrase: try passphrase("riktig"))
        for wrong in ["Riktig", "riktig ", "riktig\n", "x"] {
            let e = TestVault.assertFails([.authenticationFailed], "passphrase \(wrong.debugDescription)") {
                try KeyFile.decode(bytes, passphrase: try passphrase(wrong))
            }
            XCTAssertTrue(e?.message.contains("passphrase") ?? false, e?.message ?? "")
            XCTAssertFalse(e?.message.contains("corrupt") ?? true)
        }
    }

    /// Any single flipped byte, anywhere, reads as a corrupt file, never as a wrong passphrase
    /// and never as a key.
    func testEveryFlippedByteIsReportedAsCorrupt() throws {
        let bytes = try KeyFile.encode(try SecretIdentity.generate(withCentreRoot: true), passphrase: try passphrase("riktig"))
        for offset in bytes.indices {
            var changed = bytes
            changed[offset] ^= 0x04
            let e = TestVault.assertFails([.unsupportedFormat], "byte \(offset) of \(bytes.count)") {
                try KeyFile.decode(changed, passphrase: try passphrase("riktig"))
            }
            if offset != KeyFile.magic.count, offset >= KeyFile.magic.count {
                XCTAssertTrue(e?.message.contains("corrupt") ?? false, "byte \(offset): \(e?.message ?? "")")
            }
        }
        for n in [1, 31, 32, 33, bytes.count - 9, bytes.count] {
            assertKind(.unsupportedFormat, "truncated by \(n)") { try KeyFile.decode(Array(bytes.dropLast(n)), passphrase: try self.passphrase("riktig")) }
        }
        assertKind(.unsupportedFormat, "one byte appended") { try KeyFile.decode(bytes + [0], passphrase: try self.passphrase("riktig")) }
        assertKind(.unsupportedFormat, "not a key file") { try KeyFile.decode(Array("casevault-identity-v1 abc".utf8), passphrase: try self.passphrase("riktig")) }
    }

    func testUnknownVersionAndKDFAreRefused() throws {
        let bytes = try KeyFile.encode(try SecretIdentity.generate(), passphrase: try passphrase("riktig"))
        var v3 = bytes
        v3[KeyFile.magic.count] = 3
        let e = TestVault.assertFails([.unsupportedFormat], "version 3") { try KeyFile.decode(v3, passphrase: try passphrase("riktig")) }
        XCTAssertTrue(e?.message.contains("version 3") ?? false, e?.message ?? "")
        TestVault.assertFails([.unsupportedFormat], "version 3, re-checksummed") {
            try KeyFile.decode(rechecksummed(v3), passphrase: try passphrase("riktig"))
        }
        var kind = bytes
        kind[KeyFile.magic.count + 1] = 3
        TestVault.assertFails([.unsupportedFormat], "unknown kind") { try KeyFile.decode(rechecksummed(kind), passphrase: try passphrase("riktig")) }
        var kdf = bytes
        kdf[KeyFile.magic.count + 2] = 2
        TestVault.assertFails([.unsupportedFormat], "unknown KDF") { try KeyFile.decode(rechecksummed(kdf), passphrase: try passphrase("riktig")) }
    }

    /// The work factor is authenticated too: lowering it in the header (and fixing the checksum)
    /// does not give a file that opens.
    func testLoweredWorkFactorInTheHeaderDoesNotOpen() throws {
        let bytes = try KeyFile.encode(try SecretIdentity.generate(), passphrase: try passphrase("riktig"), limits: .interactive)
        var r = ByteReader(bytes)
        _ = try r.raw(KeyFile.magic.count + 3)  // magic, version, kind, KDF
        let opsOffset = r.offset
        var lowered = bytes
        let min = PasswordKDF.Limits.testOnlyMinimum
        var w = ByteWriter()
        w.u64(min.opsLimit)
        w.u64(min.memLimit)
        lowered.replaceSubrange(opsOffset..<opsOffset + 16, with: w.bytes)
        TestVault.assertFails([.authenticationFailed, .unsupportedFormat], "lowered limits") {
            try KeyFile.decode(rechecksummed(lowered), passphrase: try passphrase("riktig"))
        }
    }

    /// A key file names its own work factor. A huge one once trapped (memory limit 2^64−1 did
    /// not fit an Int) or would hang; it is refused before any hashing.
    func testAnAbsurdWorkFactorIsRefusedNotATrap() throws {
        let bytes = try KeyFile.encode(try SecretIdentity.generate(), passphrase: try passphrase("riktig"), limits: .testOnlyMinimum)
        var r = ByteReader(bytes)
        _ = try r.raw(KeyFile.magic.count + 3)  // magic, version, kind, KDF
        let opsOffset = r.offset
        for (ops, mem) in [(UInt64(2), UInt64.max), (UInt64.max, PasswordKDF.Limits.testOnlyMinimum.memLimit), (UInt64(3), UInt64(1) << 40)] {
            var w = ByteWriter()
            w.u64(ops)
            w.u64(mem)
            var raised = bytes
            raised.replaceSubrange(opsOffset..<opsOffset + 16, with: w.bytes)
            TestVault.assertFails([.unsupportedFormat], "work factor \(ops), \(mem)") {
                try KeyFile.decode(rechecksummed(raised), passphrase: try passphrase("riktig"))
            }
        }
        XCTAssertThrowsError(try PasswordKDF.deriveKey(passphrase: try passphrase("x"), salt: [UInt8](repeating: 0, count: PasswordKDF.saltByteCount),
                                                       limits: .init(opsLimit: 2, memLimit: .max)))
    }

    func testWorkFactorBelowTheInteractiveMinimumIsRefusedOutsideTests() throws {
        let weak = try KeyFile.encode(try SecretIdentity.generate(), passphrase: try passphrase("riktig"), limits: .testOnlyMinimum)
        XCTAssertNoThrow(try KeyFile.decode(weak, passphrase: try passphrase("riktig")), "accepted in test mode")
        withProductionKDF {
            TestVault.assertFails([.refused], "weak key file, test switch off") { try KeyFile.decode(weak, passphrase: try passphrase("riktig")) }
        }
        setenv("CASEVAULT_TEST_INSECURE_KDF", "yes", 1)
        XCTAssertFalse(KDFSettings.testModeEnabled, "only the exact value 1 enables test mode")
        TestVault.assertFails([.refused], "weak key file, switch not exactly 1") { try KeyFile.decode(weak, passphrase: try passphrase("riktig")) }
        setenv("CASEVAULT_TEST_INSECURE_KDF", "1", 1)

        let interactive = try KeyFile.encode(try SecretIdentity.generate(), passphrase: try passphrase("riktig"), limits: .interactive)
        try withProductionKDF {
            XCTAssertNoThrow(try KeyFile.decode(interactive, passphrase: try passphrase("riktig")))
            XCTAssertEqual(KDFSettings.forNewFiles, .moderate)
            XCTAssertEqual(KDFSettings.minimumAccepted, .interactive)
        }
    }

    func testLoosePermissionsAreRefused() throws {
        let identity = try SecretIdentity.generate()
        let path = dir + "/kari.key"
        try KeyFile.write(identity, to: path, passphrase: try passphrase("riktig"))
        for mode: mode_t in [0o644, 0o640, 0o604, 0o660, 0o606, 0o700, 0o610] {
            chmod(path, mode)
            let expectRefusal = mode & 0o077 != 0
            if expectRefusal {
                let e = TestVault.assertFails([.refused], "mode \(String(mode, radix: 8))") { try KeyFile.load(from: path, passphrase: try passphrase("riktig")) }
                XCTAssertTrue(e?.message.contains("chmod 600") ?? false, e?.message ?? "")
            } else {
                XCTAssertNoThrow(try KeyFile.load(from: path, passphrase: try passphrase("riktig")))
            }
        }
        for mode: mode_t in [0o600, 0o400] {
            chmod(path, mode)
            XCTAssertEqual(try KeyFile.load(from: path, passphrase: try passphrase("riktig")).publicIdentity, identity.publicIdentity)
        }
        TestVault.assertFails([.notFound], "missing key file") { try KeyFile.load(from: dir + "/nobody.key", passphrase: try passphrase("x")) }
    }

    func testCreatedWithMode0600WhateverTheUmask() throws {
        let old = umask(0)
        defer { umask(old) }
        let path = dir + "/open-umask.key"
        try KeyFile.write(try SecretIdentity.generate(), to: path, passphrase: try passphrase("riktig"))
        var st = stat()
        XCTAssertEqual(stat(path, &st), 0)
        XCTAssertEqual(st.st_mode & 0o777, 0o600)
    }

    func testNeverOverwrites() throws {
        let path = dir + "/kari.key"
        try KeyFile.write(try SecretIdentity.generate(), to: path, passphrase: try passphrase("riktig"))
        let original = try XCTUnwrap(FileManager.default.contents(atPath: path))
        TestVault.assertFails([.refused], "existing key file") {
            try KeyFile.write(try SecretIdentity.generate(), to: path, passphrase: try passphrase("annen"))
        }
        XCTAssertEqual(FileManager.default.contents(atPath: path), original)

        // A symlink planted at the path (even a dangling one) is not followed.
        let target = dir + "/elsewhere.key"
        let link = dir + "/planted.key"
        XCTAssertEqual(symlink(target, link), 0)
        TestVault.assertFails([.refused], "dangling symlink") {
            try KeyFile.write(try SecretIdentity.generate(), to: link, passphrase: try passphrase("riktig"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: target))
    }

    func testRefusesToWriteIntoAKeysFolder() throws {
        try FileManager.default.createDirectory(atPath: dir + "/Keys/sub", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/other", withIntermediateDirectories: true)
        XCTAssertEqual(symlink(dir + "/Keys", dir + "/public"), 0)
        let d: String = dir
        let paths: [String] = ["/Keys/lina.key", "/Keys/sub/lina.key", "/other/../Keys/lina.key", "/./Keys/lina.key", "/public/lina.key"].map { d + $0 }
        for path in paths {
            TestVault.assertFails([.refused], path) { try KeyFile.write(try SecretIdentity.generate(), to: path, passphrase: try passphrase("riktig")) }
        }
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: dir + "/Keys")
        XCTAssertEqual(leftovers, ["sub"], "nothing was written into Keys/")
        // A file that is merely called Keys, or a folder whose name only contains it, is fine.
        XCTAssertNoThrow(try KeyFile.write(try SecretIdentity.generate(), to: dir + "/other/Keys", passphrase: try passphrase("riktig")))
        try FileManager.default.createDirectory(atPath: dir + "/MyKeys", withIntermediateDirectories: true)
        XCTAssertNoThrow(try KeyFile.write(try SecretIdentity.generate(), to: dir + "/MyKeys/lina.key", passphrase: try passphrase("riktig")))
    }

    func testSecretsNeverInDescriptions() throws {
        let identity = try SecretIdentity.generate(withCentreRoot: true)
        var secrets: [[UInt8]] = []
        identity.boxKey.withUnsafeSecretBytes { secrets.append(Array($0)) }
        identity.signingKey.withUnsafeSeedBytes { secrets.append(Array($0)) }
        identity.centreRootKey!.withUnsafeSeedBytes { secrets.append(Array($0)) }
        let renderings = secrets.flatMap { s in [Hex.encode(s), Base64.encode(s), Hex.encode(Array(s.prefix(8))), "\(s)"] }

        var dumped = ""
        dump(identity, to: &dumped)
        var texts = [identity.description, String(reflecting: identity), "\(identity)", dumped,
                     identity.boxKey.description, String(reflecting: identity.boxKey), identity.signingKey.description,
                     String(reflecting: identity.centreRootKey!)]
        let pass = try passphrase("hemmelig-passord-123")
        texts += [pass.description, String(reflecting: pass), "\(pass)"]
        // Errors from every failing path of the key file.
        let bytes = try KeyFile.encode(identity, passphrase: pass)
        for attempt in [{ _ = try KeyFile.decode(bytes, passphrase: try self.passphrase("feil")) },
                        { var b = bytes; b[40] ^= 1; _ = try KeyFile.decode(b, passphrase: pass) }] as [() throws -> Void] {
            do { try attempt() } catch { texts.append("\(error)"); texts.append(String(reflecting: error)) }
        }
        for text in texts {
            for r in renderings { XCTAssertFalse(text.contains(r), "a secret appears in: \(text)") }
            XCTAssertFalse(text.contains("hemmelig-passord-123"), text)
        }
        XCTAssertTrue(identity.description.contains(identity.publicIdentity.fingerprint))
        XCTAssertTrue(identity.description.contains("redacted"))
    }

    func testPassphraseSources() throws {
        let file = dir + "/pass"
        FileManager.default.createFile(atPath: file, contents: Data("riktig hest\r\nandre linje\n".utf8), attributes: [.posixPermissions: 0o600])
        XCTAssertTrue(try PassphraseSource.file(file).read().constantTimeEquals(try passphrase("riktig hest")), "first line, CR LF removed")
        chmod(file, 0o644)
        TestVault.assertFails([.refused], "world-readable passphrase file") { try PassphraseSource.file(file).read() }
        chmod(file, 0o600)
        FileManager.default.createFile(atPath: file, contents: Data("\nnot this\n".utf8), attributes: [.posixPermissions: 0o600])
        TestVault.assertFails([.invalidInput], "empty first line") { try PassphraseSource.file(file).read() }
        TestVault.assertFails([.notFound], "missing passphrase file") { try PassphraseSource.file(dir + "/none").read() }

        let saved = getenv(PassphraseSource.environmentVariable).map { String(cString: $0) }
        defer { if let saved { setenv(PassphraseSource.environmentVariable, saved, 1) } else { unsetenv(PassphraseSource.environmentVariable) } }
        setenv(PassphraseSource.environmentVariable, "fra miljøet", 1)
        guard case .environment = PassphraseSource.resolve(file: nil) else { return XCTFail("the environment comes before a prompt") }
        guard case .file = PassphraseSource.resolve(file: file) else { return XCTFail("an explicit file comes first") }
        XCTAssertTrue(try XCTUnwrap(PassphraseSource.resolve(file: nil)).read().constantTimeEquals(try passphrase("fra miljøet")))
        setenv(PassphraseSource.environmentVariable, "", 1)
        TestVault.assertFails([.invalidInput], "empty environment passphrase") { try PassphraseSource.environment(PassphraseSource.environmentVariable).read() }
        unsetenv(PassphraseSource.environmentVariable)
        XCTAssertNil(PassphraseSource.resolve(file: nil), "no file, no environment: the CLI asks")
    }
}
