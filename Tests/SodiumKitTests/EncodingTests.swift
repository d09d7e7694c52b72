import Foundation
import SodiumKit
import XCTest

// Hex (lower case only) and strict canonical base64.
final class EncodingTests: XCTestCase {
    func testBase64RoundTripAgainstFoundation() {
        for length in 0...40 {
            let b = Random.bytes(length)
            let text = Base64.encode(b)
            XCTAssertEqual(text, Data(b).base64EncodedString(), "length \(length)")
            XCTAssertEqual(Base64.decode(text), b, "length \(length)")
        }
        XCTAssertEqual(Base64.encode(Array("foobar".utf8)), "Zm9vYmFy")
        XCTAssertEqual(Base64.decode("Zm9vYg=="), Array("foob".utf8))
        XCTAssertEqual(Base64.decode(""), [])
        XCTAssertEqual(Base64.decode("+/+/"), [0xfb, 0xff, 0xbf])
        XCTAssertEqual(Base64.decode("QQ=="), [0x41])
        XCTAssertEqual(Base64.decode("QUI="), [0x41, 0x42])
    }

    func testBase64RejectsNonCanonicalForms() {
        let bad = [
            "QQ", "QQ=", "QUI", "Q", "QUJDR",            // missing padding / bad length
            "QQ==QUJD", "QU=D", "Q=JD", "=QUJ", "QQ=A",  // '=' in the middle or misplaced
            "Q===", "====",                               // too much padding
            "QR==", "QUJ=", "Zm9vYh==", "Zm9vYmF=", // non-zero trailing bits
            "QUJD\n", " QUJD", "QU JD", "QUJD\r\n", "QU\tJD", // whitespace
            "-_-_", "QUJ-", "Pz8_", "Pz8-",               // URL-safe alphabet
            "QUJ€", "QUJ.",                               // outside the alphabet
        ]
        for text in bad {
            XCTAssertNil(Base64.decode(text), "accepted \(text.debugDescription)")
            XCTAssertNil(Base64.decode(bytes: Array(("x" + text).utf8).dropFirst()), "accepted \(text.debugDescription) as bytes")
        }
    }

    func testBase64DecodesBytesInASliceAsItDecodesText() {
        for length in 0...40 {
            let b = Random.bytes(length)
            let line = Array(("sealed " + Base64.encode(b) + "\n").utf8)
            XCTAssertEqual(Base64.decode(bytes: line.dropFirst(7).dropLast()), b, "length \(length)")
        }
    }

    func testHexRoundTrip() {
        for length in 0...40 {
            let b = Random.bytes(length)
            let text = Hex.encode(b)
            XCTAssertEqual(text.count, 2 * length)
            XCTAssertEqual(text, text.lowercased())
            XCTAssertEqual(Hex.decode(text), b)
        }
        XCTAssertEqual(Hex.encode([0x00, 0x0f, 0xa5, 0xff]), "000fa5ff")
        XCTAssertEqual(Hex.decode("000fa5ff"), [0x00, 0x0f, 0xa5, 0xff])
        XCTAssertEqual(Hex.decode(""), [])
    }

    func testHexRejectsUpperCaseOddLengthAndJunk() {
        for text in ["FF", "0A", "aB", "abc", "0", "zz", "0x00", " 00", "00 ", "g0", "é0"] {
            XCTAssertNil(Hex.decode(text), "accepted \(text.debugDescription)")
        }
    }
}
