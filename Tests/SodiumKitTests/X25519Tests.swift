import SodiumKit
import XCTest

// X25519 keys: restore from secret bytes, agreement, low-order rejection, RFC 7748 §6.1.
final class X25519Tests: XCTestCase {
    func testSecretRestoreRecomputesThePublicKey() throws {
        let key = try BoxSecretKey.generate()
        let restored = try BoxSecretKey(secret: key.withUnsafeSecretBytes { try SecureBytes(copying: $0) })
        XCTAssertEqual(restored.publicKey, key.publicKey)
        XCTAssertNotEqual(try BoxSecretKey.generate().publicKey, key.publicKey)
    }

    func testBothSidesAgree() throws {
        let a = try BoxSecretKey.generate(), b = try BoxSecretKey.generate()
        let ab = try X25519.sharedSecret(secretKey: a, publicKey: b.publicKey.bytes)
        let ba = try X25519.sharedSecret(secretKey: b, publicKey: a.publicKey.bytes)
        XCTAssertEqual(ab.count, 32)
        XCTAssertTrue(ab.constantTimeEquals(ba))
        let c = try BoxSecretKey.generate()
        XCTAssertFalse(ab.constantTimeEquals(try X25519.sharedSecret(secretKey: a, publicKey: c.publicKey.bytes)))
    }

    func testLowOrderPointsAreRejected() throws {
        let a = try BoxSecretKey.generate()
        var one = [UInt8](repeating: 0, count: 32); one[0] = 1
        for point in [[UInt8](repeating: 0, count: 32), one] {
            assertThrows(.invalidPublicKey) { () throws(CryptoError) in try X25519.sharedSecret(secretKey: a, publicKey: point) }
        }
    }

    /// RFC 7748 §6.1.
    func testRFC7748() throws {
        let alice = try BoxSecretKey(secret: secure(bytes(hex: "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")))
        let bob = try BoxSecretKey(secret: secure(bytes(hex: "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb")))
        XCTAssertEqual(alice.publicKey.bytes, bytes(hex: "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"))
        XCTAssertEqual(bob.publicKey.bytes, bytes(hex: "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"))
        let shared = try X25519.sharedSecret(secretKey: alice, publicKey: bob.publicKey.bytes)
        XCTAssertEqual(contents(shared), bytes(hex: "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"))
    }
}
