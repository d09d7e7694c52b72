import SodiumKit
import XCTest

// Sealed boxes (crypto_box_seal): round trip, wrong recipient, every flipped bit, truncation.
final class SealedBoxTests: XCTestCase {
    func testRoundTrip() throws {
        let recipient = try BoxSecretKey.generate()
        for length in [0, 1, 32, 200] {
            let secret = try SecureBytes.random(count: length)
            let sealed = try SealedBox.seal(secret, to: recipient.publicKey)
            XCTAssertEqual(sealed.count, length + SealedBox.overhead)
            XCTAssertTrue(try SealedBox.open(sealed, with: recipient).constantTimeEquals(secret), "length \(length)")
        }
    }

    func testSealingASymmetricKey() throws {
        let recipient = try BoxSecretKey.generate(), key = try SymmetricKey.generate()
        let sealed = try SealedBox.seal(key, to: recipient.publicKey)
        XCTAssertEqual(sealed.count, SymmetricKey.byteCount + SealedBox.overhead)
        XCTAssertEqual(contents(try SealedBox.open(sealed, with: recipient)), contents(key))
    }

    func testSealingIsRandomised() throws {
        let recipient = try BoxSecretKey.generate(), secret = try secure([1, 2, 3])
        XCTAssertNotEqual(try SealedBox.seal(secret, to: recipient.publicKey), try SealedBox.seal(secret, to: recipient.publicKey))
    }

    func testWrongRecipientIsRejected() throws {
        let recipient = try BoxSecretKey.generate(), other = try BoxSecretKey.generate()
        let sealed = try SealedBox.seal(try secure(Array("key material".utf8)), to: recipient.publicKey)
        assertThrows(.authenticationFailed) { () throws(CryptoError) in try SealedBox.open(sealed, with: other) }
    }

    func testEveryFlippedBitIsRejected() throws {
        let recipient = try BoxSecretKey.generate()
        let sealed = try SealedBox.seal(try secure([0xca, 0xfe]), to: recipient.publicKey)
        for bit in 0..<sealed.count * 8 {
            assertThrows(.authenticationFailed, "bit \(bit)") { () throws(CryptoError) in
                try SealedBox.open(flipping(sealed, bit: bit), with: recipient)
            }
        }
    }

    func testTruncatedOrExtendedIsRejected() throws {
        let recipient = try BoxSecretKey.generate()
        let sealed = try SealedBox.seal(try secure([1, 2, 3, 4]), to: recipient.publicKey)
        for bad in [Array(sealed.dropLast()), sealed + [0], Array(sealed.prefix(SealedBox.overhead - 1)), []] {
            assertThrows(.authenticationFailed, "\(bad.count) bytes") { () throws(CryptoError) in
                try SealedBox.open(bad, with: recipient)
            }
        }
    }
}
