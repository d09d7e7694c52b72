import Foundation
import SodiumKit
import TransparencyLog
import XCTest

final class CosignatureTests: XCTestCase {
    let log = Fixtures.logSigner
    let witness = Fixtures.witness
    let time: UInt64 = 1_679_315_147

    private func signedCheckpoint(size: UInt64 = 20_852_163) throws -> (Checkpoint, SignedNote) {
        let checkpoint = try Checkpoint(origin: log.name, size: size, rootHash: Merkle.leafHash([UInt8(size & 0xff)]))
        return (checkpoint, try SignedNote.parse(checkpoint.sign(with: [log])))
    }

    func testRoundTrip() throws {
        let (checkpoint, note) = try signedCheckpoint()
        let cosigned = try SignedNote.parse(note.adding(witness.cosign(checkpoint, timestamp: time)).bytes)
        XCTAssertEqual(try witness.verifier.verify(cosigned), time)
        XCTAssertEqual(try cosigned.verify(by: [log.verifier]), [log.verifier], "the log key ignores the cosignature")
        let found = try cosigned.cosignatures(by: [witness.verifier, Fixtures.secondWitness.verifier])
        XCTAssertEqual(found.map(\.cosigner), [witness.verifier])
        XCTAssertEqual(found.map(\.timestamp), [time])
        XCTAssertLogError(try cosigned.verify(by: []), .noKnownSignature)
    }

    /// The exact layout of tlog-cosignature v1: key ID from type 0x04, then the timestamp in
    /// eight big-endian bytes, then Ed25519 over "cosignature/v1\ntime <t>\n" and the body.
    func testWireLayout() throws {
        let (checkpoint, _) = try signedCheckpoint()
        let signature = try witness.cosign(checkpoint, timestamp: time)
        let publicKey = witness.verifier.publicKey
        let expectedID = SHA256.hash(Fixtures.bytes(witness.name) + [0x0A, 0x04] + publicKey.bytes).prefix(4)
        XCTAssertEqual(Array(expectedID), [UInt8(witness.keyID >> 24), UInt8(witness.keyID >> 16 & 0xff), UInt8(witness.keyID >> 8 & 0xff), UInt8(witness.keyID & 0xff)])
        XCTAssertNotEqual(witness.keyID, try NoteVerifier(name: witness.name, publicKey: publicKey).keyID)
        XCTAssertEqual(signature.keyName, witness.name)
        XCTAssertEqual(signature.signature.count, 72)
        XCTAssertEqual(Array(signature.signature.prefix(8)), [0, 0, 0, 0, 0x64, 0x18, 0x50, 0xCB])
        let message = "cosignature/v1\ntime 1679315147\n" + checkpoint.body
        XCTAssertNoThrow(try publicKey.verify(Array(signature.signature.dropFirst(8)), for: Fixtures.bytes(message)))
        XCTAssertTrue(signature.line.hasPrefix("\u{2014} witness.example/w1 "))
        let vkey = witness.verifier.vkey
        XCTAssertEqual(Fixtures.base64(String(vkey.split(separator: "+", maxSplits: 2)[2])), [0x04] + publicKey.bytes)
        XCTAssertEqual(try CosignatureVerifier(vkey: vkey), witness.verifier)
        XCTAssertLogError(try CosignatureVerifier(vkey: log.verifier.vkey), .invalidVerifierKey)
    }

    func testWrongTimeIsRejected() throws {
        let (checkpoint, note) = try signedCheckpoint()
        let good = try witness.cosign(checkpoint, timestamp: time)
        for delta: UInt64 in [1, 1 << 8, 1 << 32] {
            var payload = good.signature
            let shifted = time ^ delta
            for i in 0..<8 { payload[i] = UInt8(shifted >> (56 - 8 * UInt64(i)) & 0xff) }
            let forged = try NoteSignature(keyName: good.keyName, keyID: good.keyID, signature: payload)
            XCTAssertLogError(try witness.verifier.verify(note.adding(forged)), .cosignatureInvalid(cosigner: witness.name))
        }
    }

    func testCosignatureOverAnotherCheckpointIsRejected() throws {
        let (first, _) = try signedCheckpoint(size: 10)
        let (_, secondNote) = try signedCheckpoint(size: 11)
        let transplanted = try secondNote.adding(witness.cosign(first, timestamp: time))
        XCTAssertLogError(try witness.verifier.verify(transplanted), .cosignatureInvalid(cosigner: witness.name))
        XCTAssertLogError(try transplanted.cosignatures(by: [witness.verifier]), .cosignatureInvalid(cosigner: witness.name))
    }

    func testMissingMalformedAndOutOfRange() throws {
        let (checkpoint, note) = try signedCheckpoint()
        XCTAssertLogError(try witness.verifier.verify(note), .cosignatureMissing(cosigner: witness.name))
        XCTAssertEqual(try note.cosignatures(by: [witness.verifier]), [])

        let short = try NoteSignature(keyName: witness.name, keyID: witness.keyID, signature: [UInt8](repeating: 1, count: 64))
        XCTAssertLogError(try witness.verifier.verify(note.adding(short)), .cosignatureMalformed)

        XCTAssertLogError(try witness.cosign(checkpoint, timestamp: UInt64(Int64.max) + 1), .cosignatureTimestampOutOfRange)
        XCTAssertNoThrow(try witness.verifier.verify(note.adding(witness.cosign(checkpoint, timestamp: UInt64(Int64.max)))))
        var late = try witness.cosign(checkpoint, timestamp: time).signature
        late[0] |= 0x80
        let forged = try NoteSignature(keyName: witness.name, keyID: witness.keyID, signature: late)
        XCTAssertLogError(try witness.verifier.verify(note.adding(forged)), .cosignatureTimestampOutOfRange)

        let notACheckpoint = try SignedNote.parse(SignedNote.sign(text: "hello\n", signers: [log]))
        XCTAssertLogError(try witness.verifier.verify(notACheckpoint), .checkpointTooFewLines)
    }

    /// The v1 message does not commit to the witness name, so the same key configured under two
    /// names must count once, however many renamed copies of its line a note carries.
    func testOneKeyUnderTwoNamesCountsOnce() throws {
        let (checkpoint, note) = try signedCheckpoint()
        let alias = try CosignatureSigner(name: "alias.example", secretKey: Fixtures.secretKey(3))
        let line = try witness.cosign(checkpoint, timestamp: time)
        let renamed = try NoteSignature(keyName: alias.name, keyID: alias.keyID, signature: line.signature)
        let cosigned = try note.adding(line).adding(renamed)
        XCTAssertEqual(try alias.verifier.verify(cosigned), time, "the renamed copy does verify")
        XCTAssertEqual(try cosigned.cosignatures(by: [witness.verifier, alias.verifier]).count, 1)
    }

    /// Four real witnesses' cosignatures on a real checkpoint: interoperability with the
    /// deployed tlog-cosignature implementations.
    func testRealWorldWitnessCosignaturesVerify() throws {
        let note = try SignedNote.parse(Fixtures.bytes(RealWorld.archeNote))
        let witnesses = try RealWorld.witnessVkeys.map { try CosignatureVerifier(vkey: $0) }
        for witness in witnesses {
            XCTAssertEqual(try witness.verify(note), 0x6A12_2120, witness.name)
        }
        XCTAssertEqual(try note.cosignatures(by: witnesses).count, 4)
        // The same witnesses reject the note once its size is changed.
        let altered = RealWorld.archeNote.replacingOccurrences(of: "1432088532", with: "1432088533")
        let alteredNote = try SignedNote.parse(Fixtures.bytes(altered))
        XCTAssertLogError(try witnesses[0].verify(alteredNote), .cosignatureInvalid(cosigner: witnesses[0].name))
    }
}
