import SodiumKit
import XCTest

// The subkey AEAD must equal plain XChaCha20-Poly1305 under BLAKE2b-256(key, context), and the
// multi-part keyed hash must equal the one-shot keyed hash of the concatenation.
final class SubkeyAEADTests: XCTestCase {
    func testSubkeySealEqualsSealUnderTheExplicitlyDerivedKey() throws {
        let k = try SymmetricKey.generate()
        let context = Array("casevault/v2/field-key\0path".utf8)
        var derivedBytes = BLAKE2b.hash(context, key: k)
        let derived = try SymmetricKey(secret: SecureBytes(consuming: &derivedBytes))
        let nonce = XChaCha20Poly1305.randomNonce(), ad = Array("ad".utf8), plain = Array("verdi".utf8)
        let viaSubkey = try plain.withUnsafeBytes { p in
            try XChaCha20Poly1305.seal(bytes: p, key: k, subkeyContext: context, nonce: nonce, associatedData: ad)
        }
        XCTAssertEqual(viaSubkey, try XChaCha20Poly1305.seal(plain, key: derived, nonce: nonce, associatedData: ad))
        var out = [UInt8](repeating: 0, count: plain.count)
        let n = try out.withUnsafeMutableBytes { try XChaCha20Poly1305.open(viaSubkey, key: k, subkeyContext: context, nonce: nonce, associatedData: ad, into: $0) }
        XCTAssertEqual(Array(out.prefix(n)), plain)
        XCTAssertThrowsError(try out.withUnsafeMutableBytes {
            try XChaCha20Poly1305.open(viaSubkey, key: k, subkeyContext: context + [0], nonce: nonce, associatedData: ad, into: $0)
        }, "another context is another key")
    }

    func testMultiPartKeyedHashEqualsOneShot() throws {
        let key = (0..<32).map { UInt8($0) }, a = Array("abc".utf8), b = Array("defg".utf8)
        let parts = a.withUnsafeBytes { pa in b.withUnsafeBytes { pb in key.withUnsafeBytes { BLAKE2b.hash(parts: [pa, pb], keyBytes: $0) } } }
        var keyCopy = key
        XCTAssertEqual(parts, BLAKE2b.hash(a + b, key: try SymmetricKey(secret: SecureBytes(consuming: &keyCopy))))
    }
}
