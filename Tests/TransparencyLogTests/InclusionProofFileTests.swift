import Foundation
import SodiumKit
import TransparencyLog
import XCTest

final class InclusionProofFileTests: XCTestCase {
    let log = Fixtures.logSigner
    let witness = Fixtures.witness
    let entries = (0..<10).map { Array("access event \($0)".utf8) }

    /// A proof file for `index`, against a checkpoint of the first `size` entries that the log
    /// signed and one witness cosigned.
    private func proofFile(index: UInt64 = 7, size: Int = 10, extra: [UInt8]? = nil) throws -> InclusionProofFile {
        let tree = try MerkleTree(leafHashes: entries.map(Merkle.leafHash))
        let checkpoint = try Checkpoint(origin: log.name, size: UInt64(size), rootHash: tree.root(atSize: UInt64(size)))
        let note = try SignedNote.parse(checkpoint.sign(with: [log]))
            .adding(witness.cosign(checkpoint, timestamp: 1_700_000_000))
        return try InclusionProofFile(
            index: index, proof: tree.inclusionProof(index: index, treeSize: UInt64(size)), checkpointNote: note, extra: extra)
    }

    func testRoundTripAndLayout() throws {
        let file = try proofFile()
        let bytes = file.bytes
        let text = String(decoding: bytes, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines[0], "c2sp.org/tlog-proof@v1")
        XCTAssertEqual(lines[1], "index 7")
        XCTAssertEqual(lines[2..<6].map { Fixtures.base64(String($0)) }, file.proof)
        XCTAssertEqual(lines[6], "")
        XCTAssertEqual(Array(text.utf8.dropFirst(lines[0...6].map { $0.utf8.count + 1 }.reduce(0, +))), file.checkpointNote.bytes)

        let parsed = try InclusionProofFile.parse(bytes)
        XCTAssertEqual(parsed.bytes, bytes)
        XCTAssertEqual(parsed.index, 7)
        XCTAssertNil(parsed.extra)
        let verified = try parsed.verify(
            leafEntry: entries[7], verifiers: [log.verifier], origin: log.name,
            witnesses: [witness.verifier], witnessQuorum: 1)
        XCTAssertEqual(verified.checkpoint.checkpoint.size, 10)
        XCTAssertEqual(verified.checkpoint.logKeys, [log.verifier])
        XCTAssertEqual(verified.cosignatures.map(\.cosigner), [witness.verifier])
        XCTAssertEqual(verified.cosignatures.map(\.timestamp), [1_700_000_000])
    }

    func testExtraDataAndSingleLeafTree() throws {
        let withExtra = try proofFile(extra: [1, 2, 3])
        let text = String(decoding: withExtra.bytes, as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("c2sp.org/tlog-proof@v1\nextra AQID\nindex 7\n"))
        XCTAssertEqual(try InclusionProofFile.parse(withExtra.bytes).extra, [1, 2, 3])

        let single = try proofFile(index: 0, size: 1)
        XCTAssertTrue(String(decoding: single.bytes, as: UTF8.self).hasPrefix("c2sp.org/tlog-proof@v1\nindex 0\n\n\(log.name)\n1\n"))
        XCTAssertNoThrow(try InclusionProofFile.parse(single.bytes).verify(leafEntry: entries[0], verifiers: [log.verifier]))
    }

    func testProofAgainstAnEarlierCheckpoint() throws {
        let file = try InclusionProofFile.parse(proofFile(index: 5, size: 8).bytes)
        XCTAssertNoThrow(try file.verify(leafEntry: entries[5], verifiers: [log.verifier]))
        XCTAssertLogError(try file.verify(leafEntry: entries[8], verifiers: [log.verifier]), .inclusionRootMismatch)
    }

    func testFlippedHashIsRejected() throws {
        let file = try proofFile()
        for position in file.proof.indices {
            var proof = file.proof
            proof[position][31] ^= 0x01
            let tampered = try InclusionProofFile.parse(
                InclusionProofFile(index: file.index, proof: proof, checkpointNote: file.checkpointNote).bytes)
            XCTAssertLogError(try tampered.verify(leafEntry: entries[7], verifiers: [log.verifier]), .inclusionRootMismatch)
        }
    }

    func testWrongEntryIndexKeyOriginOrQuorumIsRejected() throws {
        let file = try InclusionProofFile.parse(proofFile().bytes)
        XCTAssertLogError(try file.verify(leafEntry: entries[6], verifiers: [log.verifier]), .inclusionRootMismatch)
        let moved = try InclusionProofFile(index: 6, proof: file.proof, checkpointNote: file.checkpointNote)
        XCTAssertLogError(try moved.verify(leafEntry: entries[7], verifiers: [log.verifier]), .inclusionRootMismatch)
        XCTAssertLogError(try file.verify(leafEntry: entries[7], verifiers: [Fixtures.otherSigner.verifier]), .noKnownSignature)
        XCTAssertLogError(try file.verify(leafEntry: entries[7], verifiers: [log.verifier], origin: "other.example"), .checkpointOriginMismatch)
        XCTAssertLogError(
            try file.verify(leafEntry: entries[7], verifiers: [log.verifier],
                            witnesses: [witness.verifier, Fixtures.secondWitness.verifier], witnessQuorum: 2),
            .cosignatureQuorumNotMet(required: 2, found: 1))
    }

    func testMalformedFilesAreRejected() throws {
        let good = String(decoding: try proofFile().bytes, as: UTF8.self)
        func parse(_ text: String) throws -> InclusionProofFile { try InclusionProofFile.parse(Fixtures.bytes(text)) }
        XCTAssertNoThrow(try parse(good))
        XCTAssertLogError(try parse(good.replacingOccurrences(of: "tlog-proof@v1", with: "tlog-proof@v2")), .proofHeaderInvalid)
        XCTAssertLogError(try parse(good.replacingOccurrences(of: "index 7", with: "index 07")), .proofIndexInvalid)
        XCTAssertLogError(try parse(good.replacingOccurrences(of: "index 7", with: "index -7")), .proofIndexInvalid)
        XCTAssertLogError(try parse(good.replacingOccurrences(of: "index 7", with: "index  7")), .proofIndexInvalid)
        XCTAssertLogError(try parse(good.replacingOccurrences(of: "index 7", with: "Index 7")), .proofIndexInvalid)
        XCTAssertLogError(try parse(good.replacingOccurrences(of: "index 7\n", with: "")), .proofIndexInvalid)
        XCTAssertLogError(try parse(good.replacingOccurrences(of: "index 7", with: "extra !!!!\nindex 7")), .proofExtraInvalid)
        let firstHash = String(good.split(separator: "\n")[2])
        XCTAssertLogError(try parse(good.replacingOccurrences(of: firstHash, with: String(firstHash.dropLast(4)))), .proofHashInvalid)
        XCTAssertLogError(try parse(good.replacingOccurrences(of: firstHash, with: Base64.encode([1, 2, 3]))), .proofHashInvalid)
        XCTAssertLogError(try parse(good.replacingOccurrences(of: "\n\n", with: "\n")), .proofMissingCheckpoint)
        let tooLong = good.replacingOccurrences(of: "index 7\n", with: "index 7\n" + String(repeating: firstHash + "\n", count: 65))
        XCTAssertLogError(try parse(tooLong), .proofTooManyHashes)
        XCTAssertLogError(try parse(good.replacingOccurrences(of: "\n", with: "\r\n")), .noteContainsCarriageReturn)
    }
}
