import SodiumKit
import XCTest

// sodium_pad / sodium_unpad against ISO/IEC 7816-4 padding written out by hand.
final class PaddingTests: XCTestCase {
    private func pad(_ hex: String, _ block: Int) throws -> String { Hex.encode(try Padding.pad(try XCTUnwrap(Hex.decode(hex)), blockSize: block)) }
    private func unpad(_ hex: String, _ block: Int) throws -> String { Hex.encode(try Padding.unpad(try XCTUnwrap(Hex.decode(hex)), blockSize: block)) }

    func testPadKnownOutputs() throws {
        XCTAssertEqual(try pad("616263", 8), "6162638000000000")
        XCTAssertEqual(try pad("", 4), "80000000")
        XCTAssertEqual(try pad("01020304", 4), "0102030480000000", "a full block gains a whole block of padding")
        XCTAssertEqual(try pad("010203", 4), "01020380")
        XCTAssertEqual(try pad("80", 2), "8080", "a 0x80 in the data is data")
        XCTAssertEqual(try Padding.pad([UInt8](repeating: 7, count: 47), blockSize: 48).count, 48)
        XCTAssertEqual(try Padding.pad([UInt8](repeating: 7, count: 48), blockSize: 48).count, 96)
    }

    func testUnpadKnownOutputs() throws {
        XCTAssertEqual(try unpad("6162638000000000", 8), "616263")
        XCTAssertEqual(try unpad("80000000", 4), "")
        XCTAssertEqual(try unpad("8080", 2), "80")
        XCTAssertEqual(try unpad("0102030480000000", 8), "01020304")
    }

    func testMalformedPaddingIsRefused() throws {
        for (hex, block) in [("00000000", 4), ("61626364", 4), ("80010000", 4), ("61800001", 4), ("800000", 4), ("", 1)] {
            XCTAssertThrowsError(try unpad(hex, block), "\(hex) / \(block)") { XCTAssertEqual($0 as? CryptoError, .authenticationFailed) }
        }
        XCTAssertThrowsError(try Padding.pad([1], blockSize: 0))
    }

    func testRoundTripEveryLengthAroundABlock() throws {
        for n in 0...130 {
            let data = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 0x80) }
            let padded = try Padding.pad(data, blockSize: 64)
            XCTAssertEqual(padded.count, (n / 64 + 1) * 64)
            XCTAssertEqual(try Padding.unpad(padded, blockSize: padded.count), data)
        }
    }
}
