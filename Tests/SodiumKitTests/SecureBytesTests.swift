import SodiumKit
import XCTest

// SecureBytes: redacted printing, constant-time comparison, zeroing of consumed input,
// and no double free when a filling closure throws.
final class SecureBytesTests: XCTestCase {
    /// A recognisable pattern: "SECRET" in ASCII followed by 0xDEADBEEF.
    private let pattern: [UInt8] = Array("SECRET".utf8) + [0xde, 0xad, 0xbe, 0xef]

    func testDescriptionNeverShowsTheBytes() throws {
        let s = try secure(pattern)
        for text in ["\(s)", String(describing: s), String(reflecting: s), s.description, s.debugDescription] {
            XCTAssertTrue(text.contains("redacted"), text)
            for leak in ["SECRET", "deadbeef", "DEADBEEF", "de ad", "222", "0xde", "83, 69"] {
                XCTAssertFalse(text.contains(leak), "\(text) leaks \(leak)")
            }
        }
        XCTAssertEqual(s.count, pattern.count)
        XCTAssertEqual(contents(s), pattern)
    }

    func testConstantTimeEquals() throws {
        let a = try secure(pattern), b = try secure(pattern)
        XCTAssertTrue(a.constantTimeEquals(b))
        XCTAssertTrue(a.constantTimeEquals(a))
        XCTAssertFalse(a.constantTimeEquals(try secure(flipping(pattern, bit: pattern.count * 8 - 1))), "last bit differs")
        XCTAssertFalse(a.constantTimeEquals(try secure(flipping(pattern, bit: 0))), "first bit differs")
        XCTAssertFalse(a.constantTimeEquals(try secure(Array(pattern.dropLast()))), "prefix, shorter")
        XCTAssertFalse(a.constantTimeEquals(try secure(pattern + [0])), "longer")
        XCTAssertTrue(try secure([]).constantTimeEquals(try secure([])))
        XCTAssertFalse(try secure([]).constantTimeEquals(a))
    }

    func testMemoryConstantTimeEquals() {
        XCTAssertTrue(Memory.constantTimeEquals(pattern, pattern))
        XCTAssertTrue(Memory.constantTimeEquals([], []))
        XCTAssertFalse(Memory.constantTimeEquals(pattern, flipping(pattern, bit: 17)))
        XCTAssertFalse(Memory.constantTimeEquals(pattern, Array(pattern.dropLast())))
        XCTAssertFalse(Memory.constantTimeEquals([], [0]))
    }

    func testConsumingZeroesTheSource() throws {
        var source = pattern
        let s = try SecureBytes(consuming: &source)
        XCTAssertEqual(source, [UInt8](repeating: 0, count: pattern.count))
        XCTAssertEqual(contents(s), pattern)
    }

    func testMemoryZero() {
        var b = pattern
        Memory.zero(&b)
        XCTAssertEqual(b, [UInt8](repeating: 0, count: pattern.count))
    }

    func testRandomSecretsDiffer() throws {
        let a = try SecureBytes.random(count: 32), b = try SecureBytes.random(count: 32)
        XCTAssertEqual(a.count, 32)
        XCTAssertFalse(a.constantTimeEquals(b))
        XCTAssertEqual(try SecureBytes.random(count: 0).count, 0)
        XCTAssertEqual(Random.bytes(24).count, 24)
        XCTAssertNotEqual(Random.bytes(32), Random.bytes(32))
    }

    /// A throwing fill must free the buffer exactly once (a double `sodium_free` aborts the process).
    func testThrowingFillIsReleasedOnce() {
        for _ in 0..<100 {
            assertThrows(.authenticationFailed) { () throws(CryptoError) in
                try SecureBytes(count: 64) { (_) throws(CryptoError) in throw .authenticationFailed }
            }
        }
        // Allocation still works afterwards.
        XCTAssertEqual(try SecureBytes.random(count: 16).count, 16)
    }
}
