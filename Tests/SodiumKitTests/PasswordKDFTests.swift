import SodiumKit
import XCTest

// Argon2id key derivation, at libsodium's minimum limits to stay fast.
final class PasswordKDFTests: XCTestCase {
    private let limits = PasswordKDF.Limits.testOnlyMinimum
    private let salt = Array("0123456789abcdef".utf8)

    private func derive(_ passphrase: String, salt: [UInt8]) throws -> [UInt8] {
        contents(try PasswordKDF.deriveKey(passphrase: secure(Array(passphrase.utf8)), salt: salt, limits: limits))
    }

    func testDeterministicForSameInputs() throws {
        let a = try derive("correct horse battery staple", salt: salt)
        XCTAssertEqual(a.count, SymmetricKey.byteCount)
        XCTAssertEqual(try derive("correct horse battery staple", salt: salt), a)
        XCTAssertNotEqual(a, [UInt8](repeating: 0, count: 32))
    }

    func testDifferentSaltPassphraseOrLimitsGiveDifferentKeys() throws {
        let a = try derive("correct horse battery staple", salt: salt)
        XCTAssertNotEqual(try derive("correct horse battery staple", salt: flipping(salt, bit: 0)), a)
        XCTAssertNotEqual(try derive("correct horse battery stapler", salt: salt), a)
        XCTAssertNotEqual(try derive("", salt: salt), a)
        let more = PasswordKDF.Limits(opsLimit: limits.opsLimit + 1, memLimit: limits.memLimit)
        let b = contents(try PasswordKDF.deriveKey(passphrase: secure(Array("correct horse battery staple".utf8)), salt: salt, limits: more))
        XCTAssertNotEqual(b, a)
    }

    func testRejectsWrongSaltLength() throws {
        let pass = try secure(Array("pw".utf8))
        for n in [0, 15, 17, 32] {
            assertInvalidLength(expected: PasswordKDF.saltByteCount, actual: n) { () throws(CryptoError) in
                try PasswordKDF.deriveKey(passphrase: pass, salt: [UInt8](repeating: 1, count: n), limits: limits)
            }
        }
    }

    func testRejectsLimitsBelowTheMinimum() throws {
        let pass = try secure(Array("pw".utf8))
        let tooLittle = PasswordKDF.Limits(opsLimit: limits.opsLimit, memLimit: 1024)
        assertThrows(.passwordHashingFailed) { () throws(CryptoError) in
            try PasswordKDF.deriveKey(passphrase: pass, salt: salt, limits: tooLittle)
        }
    }

    func testLimitOrdering() {
        XCTAssertTrue(PasswordKDF.Limits.moderate.isAtLeast(.interactive))
        XCTAssertTrue(PasswordKDF.Limits.interactive.isAtLeast(.testOnlyMinimum))
        XCTAssertFalse(PasswordKDF.Limits.testOnlyMinimum.isAtLeast(.interactive))
    }

    func testDerivedKeyWorksForAEAD() throws {
        let key = try PasswordKDF.deriveKey(passphrase: secure(Array("pw".utf8)), salt: salt, limits: limits)
        let nonce = XChaCha20Poly1305.randomNonce()
        let sealed = try XChaCha20Poly1305.seal([1, 2, 3], key: key, nonce: nonce, associatedData: [])
        XCTAssertEqual(contents(try XChaCha20Poly1305.open(sealed, key: key, nonce: nonce, associatedData: [])), [1, 2, 3])
    }
}
