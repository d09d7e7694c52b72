import SodiumKit
import XCTest

// Shared helpers. Hex parsing here is independent of SodiumKit's `Hex`, so vector
// loading does not rest on the code under test.

/// Bytes from lower- or upper-case hex; traps on malformed input (test data only).
func bytes(hex: String) -> [UInt8] {
    guard let b = parseHex(hex) else { preconditionFailure("bad hex in test data: \(hex)") }
    return b
}

func parseHex(_ hex: String) -> [UInt8]? {
    let u = Array(hex.utf8)
    guard u.count % 2 == 0 else { return nil }
    var out = [UInt8]()
    out.reserveCapacity(u.count / 2)
    for i in stride(from: 0, to: u.count, by: 2) {
        guard let b = UInt8(String(decoding: u[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
        out.append(b)
    }
    return out
}

func secure(_ b: [UInt8]) throws(CryptoError) -> SecureBytes {
    var copy = b
    return try SecureBytes(consuming: &copy)
}

func symmetricKey(_ b: [UInt8]) throws(CryptoError) -> SymmetricKey {
    try SymmetricKey(secret: secure(b))
}

/// Copies secure bytes out so a test can compare them (tests only).
func contents(_ s: SecureBytes) -> [UInt8] {
    s.withUnsafeBytes { Array($0) }
}

func contents(_ k: SymmetricKey) -> [UInt8] {
    k.withUnsafeBytes { Array($0) }
}

/// The `CryptoError` thrown by `body`, or nil if it returned normally.
func cryptoError<T>(_ body: () throws(CryptoError) -> T) -> CryptoError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}

/// Asserts that `body` throws exactly `expected`.
func assertThrows<T>(
    _ expected: CryptoError, _ message: @autoclosure () -> String = "",
    file: StaticString = #filePath, line: UInt = #line, _ body: () throws(CryptoError) -> T
) {
    guard let error = cryptoError(body) else {
        return XCTFail("expected \(expected), nothing thrown. \(message())", file: file, line: line)
    }
    XCTAssertEqual(error, expected, message(), file: file, line: line)
}

/// Asserts that `body` throws `.invalidLength` with the given expected/actual sizes.
func assertInvalidLength<T>(
    expected: Int, actual: Int, file: StaticString = #filePath, line: UInt = #line,
    _ body: () throws(CryptoError) -> T
) {
    guard case let .invalidLength(_, e, a)? = cryptoError(body) else {
        return XCTFail("expected .invalidLength(\(expected), \(actual))", file: file, line: line)
    }
    XCTAssertEqual(e, expected, "expected length", file: file, line: line)
    XCTAssertEqual(a, actual, "actual length", file: file, line: line)
}

/// `b` with bit `bit` (0 ..< 8·count) inverted.
func flipping(_ b: [UInt8], bit: Int) -> [UInt8] {
    var c = b
    c[bit / 8] ^= 1 << UInt8(bit % 8)
    return c
}
