import SodiumKit
import XCTest

// Every secret-holding type prints as redacted and never shows its secret bytes.
final class RedactionTests: XCTestCase {
    private func assertRedacted(_ value: Any, secret: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
        let hex = Hex.encode(secret)
        for text in ["\(value)", String(reflecting: value)] {
            XCTAssertTrue(text.contains("redacted"), text, file: file, line: line)
            XCTAssertFalse(text.lowercased().contains(hex), "\(text) shows the secret", file: file, line: line)
            XCTAssertFalse(text.lowercased().contains(String(hex.prefix(8))), "\(text) shows part of the secret", file: file, line: line)
            XCTAssertFalse(text.contains(secret.prefix(4).map { String($0) }.joined(separator: ", ")), "\(text) shows an array", file: file, line: line)
        }
    }

    func testSymmetricKey() throws {
        let key = try SymmetricKey.generate()
        assertRedacted(key, secret: contents(key))
        XCTAssertEqual("\(key)", "SymmetricKey(<redacted>)")
    }

    func testBoxSecretKey() throws {
        let key = try BoxSecretKey.generate()
        let secret = key.withUnsafeSecretBytes { Array($0) }
        assertRedacted(key, secret: secret)
        XCTAssertTrue("\(key)".contains(Hex.encode(key.publicKey.bytes)), "the public half may be shown")
    }

    func testSigningSecretKey() throws {
        let key = try SigningSecretKey.generate()
        let seed = key.withUnsafeSeedBytes { Array($0) }
        assertRedacted(key, secret: seed)
        XCTAssertTrue("\(key)".contains(Hex.encode(key.publicKey.bytes)), "the public half may be shown")
    }

    func testSecureBytesAndDerivedSecrets() throws {
        let bytes = try SecureBytes.random(count: 32)
        assertRedacted(bytes, secret: contents(bytes))
        let a = try BoxSecretKey.generate(), b = try BoxSecretKey.generate()
        let shared = try X25519.sharedSecret(secretKey: a, publicKey: b.publicKey.bytes)
        assertRedacted(shared, secret: contents(shared))
    }

    func testErrorsNameNoSecrets() {
        XCTAssertEqual("\(CryptoError.invalidLength(what: "nonce", expected: 24, actual: 23))", "nonce must be 24 bytes, got 23")
        XCTAssertEqual("\(CryptoError.authenticationFailed)", "decryption failed: wrong key or tampered data")
    }
}
