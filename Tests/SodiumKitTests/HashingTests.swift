import SodiumKit
import XCTest

// SHA-256 and BLAKE2b against known answers (FIPS 180-2, RFC 7693; keyed values from Python's hashlib).
final class HashingTests: XCTestCase {
    private let abc = Array("abc".utf8)

    func testSHA256KnownAnswers() {
        XCTAssertEqual(Hex.encode(SHA256.hash(abc)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(Hex.encode(SHA256.hash([])), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    func testSHA256PrefixedMatchesConcatenation() {
        let a = Array("abc".utf8), b = Array("def".utf8)
        XCTAssertEqual(Hex.encode(SHA256.hash(prefix: 1, a, b)), "760b697bd77eea45742854f3fb91813e7b4175e10478597321dc5e7e3cff2f13")
        XCTAssertEqual(SHA256.hash(prefix: 1, a, b), SHA256.hash([1] + a + b))
        XCTAssertEqual(SHA256.hash(prefix: 0, a), SHA256.hash([0] + a))
        XCTAssertEqual(SHA256.hash(prefix: 0, []), SHA256.hash([0]))
    }

    func testBLAKE2bKnownAnswers() {
        XCTAssertEqual(Hex.encode(BLAKE2b.hash([], outputLength: 64)),
                       "786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce")
        XCTAssertEqual(Hex.encode(BLAKE2b.hash(abc, outputLength: 64)),
                       "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923")
        XCTAssertEqual(Hex.encode(BLAKE2b.hash([])), "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8", "default is 32 bytes")
        XCTAssertEqual(Hex.encode(BLAKE2b.hash(abc, outputLength: 16)), "cf4ab791c62b8d2b2109c90275287816")
    }

    func testKeyedBLAKE2bKnownAnswers() throws {
        let key32 = Array(UInt8(0)..<32), key16 = Array(UInt8(0)..<16)
        let expected32 = "d63a32d3e44738d7907f964316c241adaba0abfeabc32349677578a15a203f7f"
        XCTAssertEqual(Hex.encode(BLAKE2b.hash(abc, key: try symmetricKey(key32))), expected32)
        XCTAssertEqual(Hex.encode(BLAKE2b.hash(abc, secretKey: try secure(key32))), expected32)
        XCTAssertEqual(Hex.encode(BLAKE2b.hash(abc, secretKey: try secure(key16))),
                       "3fd8fd31501cdbe942607b204368e3dc4ebce5744de1a955a6025f5c9848bb20")
        XCTAssertNotEqual(BLAKE2b.hash(abc, secretKey: try secure(key32)), BLAKE2b.hash(abc))
        // The largest key and output libsodium allows (beyond either, SodiumKit now traps instead of returning zeros).
        XCTAssertEqual(Hex.encode(BLAKE2b.hash(abc, secretKey: try secure(Array(UInt8(0)..<64)), outputLength: 64)),
                       "06bbc3dedf13a31139498655251b7588ccd3bb5aaa071b2d44d8e0a04095579ed590fbfdcf941f4370ce5ce623624e7a76d33e7a8109dcda9b57d72f8f8efa51")
    }
}
