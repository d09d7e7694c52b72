import SodiumKit
import XCTest

// Ed25519 signing keys: sign/verify, tampering, wrong lengths, seed restore, RFC 8032 test 1.
final class Ed25519Tests: XCTestCase {
    private let message = Array("checkpoint 17".utf8)

    func testSignAndVerify() throws {
        let key = try SigningSecretKey.generate()
        let sig = key.signature(for: message)
        XCTAssertEqual(sig.count, SigningPublicKey.signatureByteCount)
        XCTAssertNoThrow(try key.publicKey.verify(sig, for: message))
        XCTAssertTrue(key.publicKey.isValidSignature(sig, for: message))
        XCTAssertEqual(key.signature(for: message), sig, "Ed25519 is deterministic")
        XCTAssertNoThrow(try key.publicKey.verify(key.signature(for: []), for: []))
    }

    func testFlippedMessageBitsAreRejected() throws {
        let key = try SigningSecretKey.generate(), sig = key.signature(for: message)
        for bit in 0..<message.count * 8 {
            assertThrows(.invalidSignature, "bit \(bit)") { () throws(CryptoError) in
                try key.publicKey.verify(sig, for: flipping(message, bit: bit))
            }
        }
        assertThrows(.invalidSignature) { () throws(CryptoError) in try key.publicKey.verify(sig, for: message + [0]) }
        assertThrows(.invalidSignature) { () throws(CryptoError) in try key.publicKey.verify(sig, for: []) }
    }

    func testFlippedSignatureBitsAreRejected() throws {
        let key = try SigningSecretKey.generate(), sig = key.signature(for: message)
        for bit in 0..<sig.count * 8 {
            assertThrows(.invalidSignature, "bit \(bit)") { () throws(CryptoError) in
                try key.publicKey.verify(flipping(sig, bit: bit), for: message)
            }
            XCTAssertFalse(key.publicKey.isValidSignature(flipping(sig, bit: bit), for: message))
        }
    }

    func testWrongLengthSignaturesAndWrongKeyAreRejected() throws {
        let key = try SigningSecretKey.generate(), sig = key.signature(for: message)
        for bad in [Array(sig.prefix(63)), sig + [0], [], Array(sig.prefix(32))] {
            assertThrows(.invalidSignature, "\(bad.count) bytes") { () throws(CryptoError) in
                try key.publicKey.verify(bad, for: message)
            }
        }
        let other = try SigningSecretKey.generate()
        assertThrows(.invalidSignature) { () throws(CryptoError) in try other.publicKey.verify(sig, for: message) }
    }

    func testSeedRestoreGivesTheSameKey() throws {
        let key = try SigningSecretKey.generate()
        let restored = try SigningSecretKey(seed: key.withUnsafeSeedBytes { try SecureBytes(copying: $0) })
        XCTAssertEqual(restored.publicKey, key.publicKey)
        XCTAssertEqual(restored.signature(for: message), key.signature(for: message))
        XCTAssertNotEqual(try SigningSecretKey.generate().publicKey, key.publicKey)
    }

    /// RFC 8032 §7.1, TEST 1 (empty message).
    func testRFC8032Test1() throws {
        let key = try SigningSecretKey(seed: secure(bytes(hex: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")))
        XCTAssertEqual(key.publicKey.bytes, bytes(hex: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"))
        XCTAssertEqual(key.signature(for: []), bytes(hex:
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"))
    }
}
