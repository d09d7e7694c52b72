import SodiumKit
import XCTest

// xchacha20_poly1305_test.json and chacha20_poly1305_test.json through SodiumKit's seal/open.
// Valid: seal gives ct‖tag exactly and open gives msg. Invalid with a right-size key and nonce
// (ModifiedTag): open throws .authenticationFailed. Invalid with a wrong-size key or nonce
// (InvalidNonceSize): SymmetricKey(secret:) or the nonce check throws .invalidLength.
// Neither file has acceptable cases; one appearing fails the test so a policy gets chosen.
final class WycheproofAEADTests: XCTestCase {
    struct Group: Decodable { let keySize: Int; let ivSize: Int; let tagSize: Int; let tests: [Case] }
    struct Case: Decodable {
        let tcId: Int
        let comment: String
        let flags: [String]
        let key: HexBytes
        let iv: HexBytes
        let aad: HexBytes
        let msg: HexBytes
        let ct: HexBytes
        let tag: HexBytes
        let result: Wycheproof.Result
    }

    typealias Seal = ([UInt8], SymmetricKey, [UInt8], [UInt8]) throws(CryptoError) -> [UInt8]
    typealias Open = ([UInt8], SymmetricKey, [UInt8], [UInt8]) throws(CryptoError) -> SecureBytes

    func testXChaCha20Poly1305() throws {
        try run("xchacha20_poly1305_test.json", nonceByteCount: XChaCha20Poly1305.nonceByteCount,
                seal: { (m, k, n, a) throws(CryptoError) in try XChaCha20Poly1305.seal(m, key: k, nonce: n, associatedData: a) },
                open: { (c, k, n, a) throws(CryptoError) in try XChaCha20Poly1305.open(c, key: k, nonce: n, associatedData: a) })
    }

    func testChaCha20Poly1305() throws {
        try run("chacha20_poly1305_test.json", nonceByteCount: ChaCha20Poly1305.nonceByteCount,
                seal: { (m, k, n, a) throws(CryptoError) in try ChaCha20Poly1305.seal(m, key: k, nonce: n, associatedData: a) },
                open: { (c, k, n, a) throws(CryptoError) in try ChaCha20Poly1305.open(c, key: k, nonce: n, associatedData: a) })
    }

    private func run(_ name: String, nonceByteCount: Int, seal: Seal, open: Open) throws {
        let file = try Wycheproof.load(name, group: Group.self)
        var passed = 0, total = 0, valid = 0, rejectedTag = 0, rejectedSize = 0

        for group in file.testGroups {
            XCTAssertEqual(group.tagSize, 128, name)
            for t in group.tests {
                total += 1
                let id = "\(name) tcId \(t.tcId) (\(t.comment)) \(t.flags)"
                let sealed = t.ct.bytes + t.tag.bytes
                guard t.result != .acceptable else { XCTFail("no acceptable policy: \(id)"); continue }

                // Wrong-size key or nonce: SodiumKit must refuse before touching libsodium.
                if t.key.bytes.count != SymmetricKey.byteCount || t.iv.bytes.count != nonceByteCount {
                    guard t.result == .invalid else { XCTFail("valid case with odd sizes: \(id)"); continue }
                    let keyError = cryptoError { () throws(CryptoError) in try SymmetricKey(secret: try secure(t.key.bytes)) }
                    if t.key.bytes.count != SymmetricKey.byteCount {
                        guard case .invalidLength? = keyError else { XCTFail("bad key size accepted: \(id)"); continue }
                    } else {
                        let key = try symmetricKey(t.key.bytes)
                        let e1 = cryptoError { () throws(CryptoError) in try seal(t.msg.bytes, key, t.iv.bytes, t.aad.bytes) }
                        let e2 = cryptoError { () throws(CryptoError) in try open(sealed, key, t.iv.bytes, t.aad.bytes) }
                        guard case .invalidLength? = e1, case .invalidLength? = e2 else {
                            XCTFail("bad nonce size not rejected with .invalidLength (seal: \(String(describing: e1)), open: \(String(describing: e2))): \(id)")
                            continue
                        }
                    }
                    rejectedSize += 1
                    passed += 1
                    continue
                }

                let key = try symmetricKey(t.key.bytes)
                let ours = try seal(t.msg.bytes, key, t.iv.bytes, t.aad.bytes)
                var plain: [UInt8]?
                let opened = cryptoError { () throws(CryptoError) in
                    plain = contents(try open(sealed, key, t.iv.bytes, t.aad.bytes))
                }
                switch t.result {
                case .valid:
                    guard ours == sealed else { XCTFail("seal output differs: \(id)"); continue }
                    guard opened == nil else { XCTFail("valid ciphertext rejected with \(opened!): \(id)"); continue }
                    guard plain == t.msg.bytes else { XCTFail("open gave the wrong plaintext: \(id)"); continue }
                    valid += 1
                case .invalid:
                    guard opened == .authenticationFailed else {
                        XCTFail("invalid ciphertext gave \(String(describing: opened)), expected .authenticationFailed: \(id)"); continue
                    }
                    guard ours != sealed else { XCTFail("seal reproduced an invalid ciphertext: \(id)"); continue }
                    rejectedTag += 1
                case .acceptable:
                    continue
                }
                passed += 1
            }
        }

        print("Wycheproof \(name): \(passed)/\(total) passed "
              + "(\(valid) valid, \(rejectedTag) rejected .authenticationFailed, \(rejectedSize) rejected .invalidLength)")
        XCTAssertEqual(total, file.numberOfTests, name)
        XCTAssertEqual(passed, total, name)
        XCTAssertGreaterThan(valid, 0, name)
        XCTAssertGreaterThan(rejectedTag, 0, name)
    }
}
