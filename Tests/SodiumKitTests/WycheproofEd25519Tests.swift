import SodiumKit
import XCTest

// ed25519_test.json through SigningPublicKey.verify. Valid signatures must verify; every invalid
// one (bad encodings, malleable S, truncated or padded signatures) must throw .invalidSignature.
// The file has no acceptable cases; one appearing fails the test so a policy gets chosen.
final class WycheproofEd25519Tests: XCTestCase {
    struct Group: Decodable { let publicKey: PublicKey; let tests: [Case] }
    struct PublicKey: Decodable { let curve: String; let pk: HexBytes }
    struct Case: Decodable {
        let tcId: Int
        let comment: String
        let flags: [String]
        let msg: HexBytes
        let sig: HexBytes
        let result: Wycheproof.Result
    }

    func testEd25519() throws {
        let file = try Wycheproof.load("ed25519_test.json", group: Group.self)
        var passed = 0, total = 0, valid = 0, rejected = 0

        for group in file.testGroups {
            XCTAssertEqual(group.publicKey.curve, "edwards25519")
            let pk = try SigningPublicKey(bytes: group.publicKey.pk.bytes)
            for t in group.tests {
                total += 1
                let id = "tcId \(t.tcId) (\(t.comment)) \(t.flags)"
                let error = cryptoError { () throws(CryptoError) in try pk.verify(t.sig.bytes, for: t.msg.bytes) }
                switch t.result {
                case .valid:
                    guard error == nil else { XCTFail("valid signature rejected with \(error!): \(id)"); continue }
                    XCTAssertTrue(pk.isValidSignature(t.sig.bytes, for: t.msg.bytes), id)
                    valid += 1
                case .invalid:
                    guard error == .invalidSignature else {
                        XCTFail("invalid signature gave \(String(describing: error)): \(id)"); continue
                    }
                    XCTAssertFalse(pk.isValidSignature(t.sig.bytes, for: t.msg.bytes), id)
                    rejected += 1
                case .acceptable:
                    XCTFail("no acceptable policy: \(id)"); continue
                }
                passed += 1
            }
        }

        print("Wycheproof ed25519_test.json: \(passed)/\(total) passed (\(valid) valid, \(rejected) rejected .invalidSignature)")
        XCTAssertEqual(total, file.numberOfTests)
        XCTAssertEqual(passed, total)
        XCTAssertGreaterThan(valid, 0)
        XCTAssertGreaterThan(rejected, 0)
    }
}
