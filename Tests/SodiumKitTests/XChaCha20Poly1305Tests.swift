import SodiumKit
import XCTest

// XChaCha20-Poly1305 round trips and tamper detection (every bit of a short ciphertext,
// wrong associated data, nonce and key, truncation and extension).
final class XChaCha20Poly1305Tests: XCTestCase {
    private let ad = Array("case:42|field:notes".utf8)

    func testRoundTrip() throws {
        let key = try SymmetricKey.generate()
        for length in [0, 1, 15, 16, 17, 63, 64, 65, 1000] {
            let message = Random.bytes(length)
            let nonce = XChaCha20Poly1305.randomNonce()
            XCTAssertEqual(nonce.count, XChaCha20Poly1305.nonceByteCount)
            let sealed = try XChaCha20Poly1305.seal(message, key: key, nonce: nonce, associatedData: ad)
            XCTAssertEqual(sealed.count, length + XChaCha20Poly1305.tagByteCount)
            if length >= 16 { XCTAssertNotEqual(Array(sealed.prefix(length)), message, "ciphertext equals plaintext") }
            let opened = try XChaCha20Poly1305.open(sealed, key: key, nonce: nonce, associatedData: ad)
            XCTAssertEqual(contents(opened), message, "length \(length)")
        }
    }

    func testNoncesAreFreshAndChangeTheCiphertext() throws {
        let key = try SymmetricKey.generate()
        let n1 = XChaCha20Poly1305.randomNonce(), n2 = XChaCha20Poly1305.randomNonce()
        XCTAssertNotEqual(n1, n2)
        let m = Array("same message".utf8)
        XCTAssertNotEqual(try XChaCha20Poly1305.seal(m, key: key, nonce: n1, associatedData: ad),
                          try XChaCha20Poly1305.seal(m, key: key, nonce: n2, associatedData: ad))
        // Deterministic for a fixed key and nonce.
        XCTAssertEqual(try XChaCha20Poly1305.seal(m, key: key, nonce: n1, associatedData: ad),
                       try XChaCha20Poly1305.seal(m, key: key, nonce: n1, associatedData: ad))
    }

    func testSealFromSecureBytesMatchesArraySeal() throws {
        let key = try SymmetricKey.generate(), nonce = XChaCha20Poly1305.randomNonce()
        for length in [0, 5, 100] {
            let m = Random.bytes(length)
            XCTAssertEqual(try XChaCha20Poly1305.seal(secure(m), key: key, nonce: nonce, associatedData: ad),
                           try XChaCha20Poly1305.seal(m, key: key, nonce: nonce, associatedData: ad))
        }
    }

    func testEveryFlippedBitIsRejected() throws {
        let key = try SymmetricKey.generate(), nonce = XChaCha20Poly1305.randomNonce()
        let sealed = try XChaCha20Poly1305.seal(Array("hello".utf8), key: key, nonce: nonce, associatedData: ad)
        XCTAssertEqual(sealed.count, 21)
        for bit in 0..<sealed.count * 8 {
            assertThrows(.authenticationFailed, "bit \(bit)") { () throws(CryptoError) in
                try XChaCha20Poly1305.open(flipping(sealed, bit: bit), key: key, nonce: nonce, associatedData: ad)
            }
        }
    }

    func testWrongContextIsRejected() throws {
        let key = try SymmetricKey.generate(), nonce = XChaCha20Poly1305.randomNonce()
        let sealed = try XChaCha20Poly1305.seal(Array("hello".utf8), key: key, nonce: nonce, associatedData: ad)
        let otherKey = try SymmetricKey.generate()
        let cases: [(String, [UInt8], SymmetricKey, [UInt8], [UInt8])] = [
            ("wrong AD", sealed, key, nonce, Array("case:43|field:notes".utf8)),
            ("empty AD", sealed, key, nonce, []),
            ("flipped AD bit", sealed, key, nonce, flipping(ad, bit: 3)),
            ("wrong nonce", sealed, key, flipping(nonce, bit: 190), ad),
            ("wrong key", sealed, otherKey, nonce, ad),
            ("truncated", Array(sealed.dropLast()), key, nonce, ad),
            ("extended", sealed + [0], key, nonce, ad),
            ("tag only", Array(sealed.suffix(16)), key, nonce, ad),
            ("shorter than a tag", Array(sealed.prefix(15)), key, nonce, ad),
            ("empty", [], key, nonce, ad),
        ]
        for (name, c, k, n, a) in cases {
            assertThrows(.authenticationFailed, name) { () throws(CryptoError) in
                try XChaCha20Poly1305.open(c, key: k, nonce: n, associatedData: a)
            }
        }
        // The untouched inputs still open.
        XCTAssertEqual(contents(try XChaCha20Poly1305.open(sealed, key: key, nonce: nonce, associatedData: ad)), Array("hello".utf8))
    }

    func testChaCha20Poly1305RoundTripAndTamper() throws {
        let key = try SymmetricKey.generate(), nonce = Random.bytes(ChaCha20Poly1305.nonceByteCount)
        let sealed = try ChaCha20Poly1305.seal(Array("hi".utf8), key: key, nonce: nonce, associatedData: ad)
        XCTAssertEqual(contents(try ChaCha20Poly1305.open(sealed, key: key, nonce: nonce, associatedData: ad)), Array("hi".utf8))
        for bit in 0..<sealed.count * 8 {
            assertThrows(.authenticationFailed, "bit \(bit)") { () throws(CryptoError) in
                try ChaCha20Poly1305.open(flipping(sealed, bit: bit), key: key, nonce: nonce, associatedData: ad)
            }
        }
    }
}
