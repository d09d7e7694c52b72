import SodiumKit
import TransparencyLog
import XCTest

final class CompactRangeTests: XCTestCase {
    /// Sizes 0…300: the frontier's root equals the full tree's, it holds one hash per set bit
    /// of the size, and a frontier restored from storage carries on identically.
    func testRootEqualsFullRootForSizesZeroToThreeHundred() throws {
        let leaves = Reference.leaves(300)
        var range = CompactRange()
        for n in 0...300 {
            XCTAssertEqual(range.size, UInt64(n))
            XCTAssertEqual(range.root, Reference.mth(leaves.prefix(n)), "size \(n)")
            XCTAssertEqual(range.hashes.count, n.nonzeroBitCount)
            let restored = try CompactRange(size: range.size, hashes: range.hashes)
            XCTAssertEqual(restored, range)
            if n < 300 {
                var continued = restored
                try continued.append(leafHash: leaves[n])
                try range.append(leafHash: leaves[n])
                XCTAssertEqual(continued, range)
            }
        }
    }

    func testLargeTreeAgreesWithMerkleTree() throws {
        let count = 100_003
        var range = CompactRange()
        var leafHashes: [[UInt8]] = []
        leafHashes.reserveCapacity(count)
        for i in 0..<count {
            let leafHash = Merkle.leafHash(Array("record \(i)".utf8))
            leafHashes.append(leafHash)
            try range.append(leafHash: leafHash)
        }
        let tree = try MerkleTree(leafHashes: leafHashes)
        XCTAssertEqual(range.root, tree.root)
        XCTAssertEqual(Merkle.root(ofLeafHashes: leafHashes), tree.root)
        for index: UInt64 in [0, 1, 65_535, 65_536, 99_999, 100_002] {
            let proof = try tree.inclusionProof(index: index)
            XCTAssertLessThanOrEqual(proof.count, 17)
            try Merkle.verifyInclusion(leafHash: leafHashes[Int(index)], index: index, treeSize: UInt64(count), proof: proof, root: range.root)
        }
        let consistency = try tree.consistencyProof(oldSize: 65_537)
        try Merkle.verifyConsistency(oldSize: 65_537, newSize: UInt64(count), oldRoot: tree.root(atSize: 65_537), newRoot: tree.root, proof: consistency)
    }

    func testRejectsMalformedState() {
        let hash = Reference.leafHash([1])
        XCTAssertLogError(try CompactRange(size: 3, hashes: [hash]), .compactRangeInvalid)
        XCTAssertLogError(try CompactRange(size: 1, hashes: [hash, hash]), .compactRangeInvalid)
        XCTAssertLogError(try CompactRange(size: 0, hashes: [hash]), .compactRangeInvalid)
        XCTAssertLogError(try CompactRange(size: 1, hashes: [Array(hash.dropLast())]), .compactRangeInvalid)
        XCTAssertNoThrow(try CompactRange(size: 3, hashes: [hash, hash]))
        var range = CompactRange()
        XCTAssertLogError(try range.append(leafHash: [1, 2, 3]), .invalidHashLength)
        XCTAssertEqual(range.size, 0)
    }
}
