import SodiumKit
import XCTest

// crypto_kdf_derive_from_key and crypto_box_seed_keypair, checked against values computed
// independently (Python's hashlib: BLAKE2b with salt = LE64(id) ‖ 0⁸, person = context ‖ 0⁸;
// SHA-512 of the seed for the X25519 secret).
final class KeyDerivationTests: XCTestCase {
    private let master: [UInt8] = Array(0..<32)

    func testKnownAnswers() throws {
        let key = try secure(master)
        XCTAssertEqual(Hex.encode(contents(try KeyDerivation.derive(length: 32, id: 1, context: "CVrootbx", masterKey: key))),
                       "a6bedc8eec2f0f94bd3dad32f5cf9260757ef61630c463d826e673c3e9da7125")
        XCTAssertEqual(Hex.encode(contents(try KeyDerivation.derive(length: 32, id: 2, context: "CVchain1", masterKey: key))),
                       "30ba28b2744e5792ef5e5bbd7492b789b137bd3e1f151c30bcfe0ea56de7c8c5")
    }

    func testIdAndContextSeparateKeys() throws {
        let key = try secure(master)
        let a = contents(try KeyDerivation.derive(length: 32, id: 1, context: "CVrootbx", masterKey: key))
        XCTAssertNotEqual(a, contents(try KeyDerivation.derive(length: 32, id: 2, context: "CVrootbx", masterKey: key)))
        XCTAssertNotEqual(a, contents(try KeyDerivation.derive(length: 32, id: 1, context: "CVrootby", masterKey: key)))
    }

    func testBadContextMasterKeyOrLengthIsRefused() throws {
        let key = try secure(master)
        XCTAssertThrowsError(try KeyDerivation.derive(length: 32, id: 1, context: "short", masterKey: key))
        XCTAssertThrowsError(try KeyDerivation.derive(length: 32, id: 1, context: "CVrootbx", masterKey: try secure(Array(0..<31))))
        XCTAssertThrowsError(try KeyDerivation.derive(length: 8, id: 1, context: "CVrootbx", masterKey: key))
    }

    func testSeedKeypairIsDeterministicAndOpensItsBoxes() throws {
        let seed = try secure(master)
        let a = try BoxSecretKey(seed: seed), b = try BoxSecretKey(seed: try secure(master))
        XCTAssertEqual(a.publicKey, b.publicKey)
        XCTAssertEqual(a.withUnsafeSecretBytes { Hex.encode(Array($0)) },
                       "3d94eea49c580aef816935762be049559d6d1440dede12e6a125f1841fff8e6f")
        let secret = try SecureBytes.random(count: 32)
        XCTAssertTrue(try SealedBox.open(try SealedBox.seal(secret, to: a.publicKey), with: b).constantTimeEquals(secret))
        XCTAssertNotEqual(try BoxSecretKey(seed: try SecureBytes.random(count: 32)).publicKey, a.publicKey)
        XCTAssertThrowsError(try BoxSecretKey(seed: try secure(Array(0..<31))))
    }
}
