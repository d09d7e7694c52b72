import SodiumKit
import XCTest

// Keys, seeds, nonces and salts of the wrong length throw .invalidLength.
final class KeyLengthTests: XCTestCase {
    private let wrong = [0, 1, 16, 31, 33, 64]

    func testSymmetricKey() throws {
        for n in wrong {
            let s = try secure([UInt8](repeating: 7, count: n))
            assertInvalidLength(expected: 32, actual: n) { () throws(CryptoError) in try SymmetricKey(secret: s) }
        }
        XCTAssertNoThrow(try symmetricKey([UInt8](repeating: 7, count: 32)))
    }

    func testBoxKeys() throws {
        for n in wrong {
            let s = try secure([UInt8](repeating: 7, count: n))
            assertInvalidLength(expected: 32, actual: n) { () throws(CryptoError) in try BoxSecretKey(secret: s) }
            assertInvalidLength(expected: 32, actual: n) { () throws(CryptoError) in
                try BoxPublicKey(bytes: [UInt8](repeating: 9, count: n))
            }
            let sk = try BoxSecretKey.generate()
            assertInvalidLength(expected: 32, actual: n) { () throws(CryptoError) in
                try X25519.sharedSecret(secretKey: sk, publicKey: [UInt8](repeating: 9, count: n))
            }
        }
    }

    func testSigningKeys() throws {
        for n in wrong {
            let s = try secure([UInt8](repeating: 7, count: n))
            assertInvalidLength(expected: 32, actual: n) { () throws(CryptoError) in try SigningSecretKey(seed: s) }
            assertInvalidLength(expected: 32, actual: n) { () throws(CryptoError) in
                try SigningPublicKey(bytes: [UInt8](repeating: 9, count: n))
            }
        }
    }

    func testAEADNonces() throws {
        let key = try SymmetricKey.generate()
        for n in [0, 12, 23, 25, 32] {
            let nonce = [UInt8](repeating: 1, count: n)
            assertInvalidLength(expected: 24, actual: n) { () throws(CryptoError) in
                try XChaCha20Poly1305.seal([1, 2, 3], key: key, nonce: nonce, associatedData: [])
            }
            assertInvalidLength(expected: 24, actual: n) { () throws(CryptoError) in
                try XChaCha20Poly1305.open([UInt8](repeating: 0, count: 19), key: key, nonce: nonce, associatedData: [])
            }
        }
        for n in [0, 8, 11, 13, 24] {
            let nonce = [UInt8](repeating: 1, count: n)
            assertInvalidLength(expected: 12, actual: n) { () throws(CryptoError) in
                try ChaCha20Poly1305.seal([1, 2, 3], key: key, nonce: nonce, associatedData: [])
            }
            assertInvalidLength(expected: 12, actual: n) { () throws(CryptoError) in
                try ChaCha20Poly1305.open([UInt8](repeating: 0, count: 19), key: key, nonce: nonce, associatedData: [])
            }
        }
    }
}
