import SodiumKit
import XCTest

// x25519_test.json through X25519.sharedSecret.
//
// Acceptable cases, and which way libsodium goes:
// - Twist, NonCanonicalPublic, SmallPublicKey, SpecialPublicKey, EdgeCase*: libsodium computes
//   them per RFC 7748 (high bit masked, u reduced mod p), so they must match `shared` exactly.
// - LowOrderPublic / ZeroSharedSecret: crypto_scalarmult returns -1 for an all-zero result, so
//   SodiumKit throws .invalidPublicKey. Asserted: rejected ⇔ the expected shared secret is zero.
final class WycheproofX25519Tests: XCTestCase {
    struct Group: Decodable { let curve: String; let tests: [Case] }
    struct Case: Decodable {
        let tcId: Int
        let comment: String
        let flags: [String]
        let `public`: HexBytes
        let `private`: HexBytes
        let shared: HexBytes
        let result: Wycheproof.Result
    }

    func testX25519() throws {
        let file = try Wycheproof.load("x25519_test.json", group: Group.self)
        var passed = 0, valid = 0, acceptedAcceptable = 0, rejectedLowOrder = 0, total = 0

        for group in file.testGroups {
            XCTAssertEqual(group.curve, "curve25519")
            for t in group.tests {
                total += 1
                let id = "tcId \(t.tcId) (\(t.comment)) \(t.flags)"
                let zeroShared = t.shared.bytes.allSatisfy { $0 == 0 }
                if t.result == .valid { XCTAssertFalse(zeroShared, "valid case with zero secret: \(id)") }
                XCTAssertNotEqual(t.result, .invalid, "x25519 has no invalid cases; decide a policy: \(id)")

                let sk = try BoxSecretKey(secret: secure(t.private.bytes))
                do {
                    let shared = try X25519.sharedSecret(secretKey: sk, publicKey: t.public.bytes)
                    guard !zeroShared else { XCTFail("all-zero shared secret accepted: \(id)"); continue }
                    guard contents(shared) == t.shared.bytes else { XCTFail("wrong shared secret: \(id)"); continue }
                    if t.result == .acceptable { acceptedAcceptable += 1 } else { valid += 1 }
                    passed += 1
                } catch {
                    guard t.result == .acceptable, zeroShared, error == .invalidPublicKey else {
                        XCTFail("unexpected \(error): \(id)"); continue
                    }
                    rejectedLowOrder += 1
                    passed += 1
                }
            }
        }

        print("Wycheproof x25519_test.json: \(passed)/\(total) passed "
              + "(\(valid) valid, \(acceptedAcceptable) acceptable accepted, \(rejectedLowOrder) low-order rejected with .invalidPublicKey)")
        XCTAssertEqual(total, file.numberOfTests)
        XCTAssertEqual(passed, total)
        XCTAssertGreaterThan(valid, 0)
        XCTAssertGreaterThan(rejectedLowOrder, 0, "the low-order vectors should have been exercised")
    }
}
