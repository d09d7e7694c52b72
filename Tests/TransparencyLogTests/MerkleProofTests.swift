import SodiumKit
import TransparencyLog
import XCTest

/// Proof generation against the RFC 6962 reference recursion, and against verification.
final class MerkleProofTests: XCTestCase {
    let leaves = Reference.leaves(64)

    func testHashesMatchTheReferencePrefixes() {
        let entry = Array("case 2024-0001".utf8)
        XCTAssertEqual(Merkle.leafHash(entry), Reference.leafHash(entry))
        XCTAssertEqual(Merkle.nodeHash(leaves[0], leaves[1]), Reference.nodeHash(leaves[0], leaves[1]))
        XCTAssertNotEqual(Merkle.leafHash(leaves[0] + leaves[1]), Merkle.nodeHash(leaves[0], leaves[1]))
        XCTAssertEqual(Merkle.root(ofLeafHashes: []), Reference.mth([]))
        XCTAssertEqual(Merkle.emptyRoot, SHA256.hash([]))
    }

    /// Every index of every tree of 1…64 leaves: the proof equals PATH and verifies; a wrong
    /// leaf, a wrong index, and a proof one hash short or long are all rejected.
    func testInclusionProofsRoundTripForAllSizesAndIndices() throws {
        for n in 1...64 {
            let d = Array(leaves.prefix(n))
            let tree = try MerkleTree(leafHashes: d)
            let root = Reference.mth(d[...])
            XCTAssertEqual(tree.root, root, "root of \(n)")
            let size = UInt64(n)
            for i in 0..<n {
                let index = UInt64(i)
                let proof = try tree.inclusionProof(index: index)
                XCTAssertEqual(proof, Reference.path(i, d[...]), "PATH(\(i), \(n))")
                XCTAssertEqual(try Merkle.inclusionProof(index: index, leafHashes: d), proof)
                XCTAssertNoThrow(try Merkle.verifyInclusion(leafHash: d[i], index: index, treeSize: size, proof: proof, root: root))
                guard n > 1 else { continue }
                let other = (i + 1) % n
                XCTAssertThrowsError(try Merkle.verifyInclusion(leafHash: d[other], index: index, treeSize: size, proof: proof, root: root))
                XCTAssertThrowsError(try Merkle.verifyInclusion(leafHash: d[i], index: UInt64(other), treeSize: size, proof: proof, root: root))
                XCTAssertLogError(
                    try Merkle.verifyInclusion(leafHash: d[i], index: index, treeSize: size, proof: proof + [root], root: root),
                    .inclusionProofWrongLength)
                XCTAssertLogError(
                    try Merkle.verifyInclusion(leafHash: d[i], index: index, treeSize: size, proof: Array(proof.dropLast()), root: root),
                    .inclusionProofWrongLength)
            }
        }
    }

    /// Every pair 1 ≤ m ≤ n ≤ 64: the proof equals PROOF(m, D[n]) and verifies; a wrong old
    /// root, a wrong new root and a truncated proof are rejected.
    func testConsistencyProofsRoundTripForAllSizePairs() throws {
        for n in 1...64 {
            let d = Array(leaves.prefix(n))
            let tree = try MerkleTree(leafHashes: d)
            let newRoot = tree.root
            for m in 1...n {
                let oldRoot = Reference.mth(d.prefix(m))
                let proof = try tree.consistencyProof(oldSize: UInt64(m))
                XCTAssertEqual(proof, m == n ? [] : Reference.subproof(m, d[...], true), "PROOF(\(m), \(n))")
                XCTAssertEqual(try Merkle.consistencyProof(oldSize: UInt64(m), leafHashes: d), proof)
                XCTAssertNoThrow(try Merkle.verifyConsistency(
                    oldSize: UInt64(m), newSize: UInt64(n), oldRoot: oldRoot, newRoot: newRoot, proof: proof), "\(m) → \(n)")
                let wrong = Reference.leafHash([UInt8(m)])
                XCTAssertThrowsError(try Merkle.verifyConsistency(
                    oldSize: UInt64(m), newSize: UInt64(n), oldRoot: wrong, newRoot: newRoot, proof: proof))
                XCTAssertThrowsError(try Merkle.verifyConsistency(
                    oldSize: UInt64(m), newSize: UInt64(n), oldRoot: oldRoot, newRoot: wrong, proof: proof))
                if !proof.isEmpty {
                    XCTAssertThrowsError(try Merkle.verifyConsistency(
                        oldSize: UInt64(m), newSize: UInt64(n), oldRoot: oldRoot, newRoot: newRoot, proof: Array(proof.dropLast())))
                }
            }
        }
    }

    /// Proofs for an earlier size of a grown tree, where ragged nodes are not stored directly.
    func testProofsAtEarlierSizesOfAGrownTree() throws {
        let tree = try MerkleTree(leafHashes: leaves)
        for n in 1...64 {
            let d = leaves.prefix(n)
            XCTAssertEqual(try tree.root(atSize: UInt64(n)), Reference.mth(d), "root at \(n)")
            for i in 0..<n {
                XCTAssertEqual(try tree.inclusionProof(index: UInt64(i), treeSize: UInt64(n)), Reference.path(i, d), "PATH(\(i), \(n))")
            }
            for m in 1..<n {
                XCTAssertEqual(try tree.consistencyProof(oldSize: UInt64(m), newSize: UInt64(n)), Reference.subproof(m, d, true), "PROOF(\(m), \(n))")
            }
        }
        XCTAssertEqual(try tree.root(atSize: 0), Merkle.emptyRoot)
        XCTAssertLogError(try tree.root(atSize: 65), .treeSizeOutOfRange)
        XCTAssertLogError(try tree.inclusionProof(index: 0, treeSize: 65), .treeSizeOutOfRange)
        XCTAssertLogError(try tree.consistencyProof(oldSize: 1, newSize: 65), .treeSizeOutOfRange)
    }

    func testAppendingMatchesBuildingAtEverySize() throws {
        var appended = MerkleTree()
        let many = Reference.leaves(130)
        for n in 0...130 {
            let built = try MerkleTree(leafHashes: Array(many.prefix(n)))
            XCTAssertEqual(appended.size, UInt64(n))
            XCTAssertEqual(appended.root, built.root, "size \(n)")
            if n > 0 {
                XCTAssertEqual(try appended.inclusionProof(index: UInt64(n / 3)), try built.inclusionProof(index: UInt64(n / 3)))
                XCTAssertEqual(try appended.consistencyProof(oldSize: UInt64(n / 2 + 1)), try built.consistencyProof(oldSize: UInt64(n / 2 + 1)))
                XCTAssertEqual(try appended.leafHash(at: UInt64(n - 1)), many[n - 1])
            }
            if n < 130 { try appended.append(leafHash: many[n]) }
        }
    }

    func testGenerationRejectsImpossibleRequests() throws {
        let d = Array(leaves.prefix(5))
        XCTAssertLogError(try Merkle.inclusionProof(index: 5, leafHashes: d), .leafIndexOutOfRange)
        XCTAssertLogError(try Merkle.inclusionProof(index: 0, leafHashes: []), .leafIndexOutOfRange)
        XCTAssertLogError(try Merkle.consistencyProof(oldSize: 6, leafHashes: d), .oldSizeExceedsNewSize)
        XCTAssertLogError(try Merkle.consistencyProof(oldSize: 0, leafHashes: d), .consistencyFromEmptyTree)
        XCTAssertEqual(try Merkle.consistencyProof(oldSize: 0, leafHashes: []), [])
        XCTAssertEqual(try Merkle.consistencyProof(oldSize: 5, leafHashes: d), [])
        XCTAssertLogError(try MerkleTree(leafHashes: [[1, 2, 3]]), .invalidHashLength)
        var tree = MerkleTree()
        XCTAssertLogError(try tree.append(leafHash: [UInt8](repeating: 0, count: 33)), .invalidHashLength)
        XCTAssertLogError(try tree.leafHash(at: 0), .leafIndexOutOfRange)
    }

    func testVerificationErrorsAreSpecific() throws {
        let d = Array(leaves.prefix(7))
        let tree = try MerkleTree(leafHashes: d)
        let root = tree.root
        let proof = try tree.inclusionProof(index: 3)
        XCTAssertLogError(try Merkle.verifyInclusion(leafHash: d[3], index: 7, treeSize: 7, proof: proof, root: root), .leafIndexOutOfRange)
        XCTAssertLogError(try Merkle.verifyInclusion(leafHash: Array(d[3].dropLast()), index: 3, treeSize: 7, proof: proof, root: root), .invalidHashLength)
        XCTAssertLogError(try Merkle.verifyInclusion(leafHash: d[3], index: 3, treeSize: 7, proof: proof, root: root + [0]), .invalidHashLength)
        var flipped = proof
        flipped[1][0] ^= 0x80
        XCTAssertLogError(try Merkle.verifyInclusion(leafHash: d[3], index: 3, treeSize: 7, proof: flipped, root: root), .inclusionRootMismatch)

        let oldRoot = try tree.root(atSize: 3)
        let consistency = try tree.consistencyProof(oldSize: 3)
        XCTAssertLogError(try Merkle.verifyConsistency(oldSize: 4, newSize: 3, oldRoot: root, newRoot: oldRoot, proof: []), .oldSizeExceedsNewSize)
        XCTAssertLogError(try Merkle.verifyConsistency(oldSize: 0, newSize: 7, oldRoot: Merkle.emptyRoot, newRoot: root, proof: consistency), .consistencyFromEmptyTree)
        XCTAssertLogError(try Merkle.verifyConsistency(oldSize: 7, newSize: 7, oldRoot: root, newRoot: root, proof: [root]), .consistencyProofNotEmpty)
        XCTAssertLogError(try Merkle.verifyConsistency(oldSize: 7, newSize: 7, oldRoot: root, newRoot: oldRoot, proof: []), .rootsDiffer)
        XCTAssertLogError(try Merkle.verifyConsistency(oldSize: 0, newSize: 0, oldRoot: root, newRoot: root, proof: []), .emptyTreeRootInvalid)
        XCTAssertNoThrow(try Merkle.verifyConsistency(oldSize: 0, newSize: 0, oldRoot: Merkle.emptyRoot, newRoot: Merkle.emptyRoot, proof: []))
        XCTAssertLogError(try Merkle.verifyConsistency(oldSize: 3, newSize: 7, oldRoot: oldRoot, newRoot: root, proof: []), .consistencyProofWrongLength)
        XCTAssertLogError(try Merkle.verifyConsistency(oldSize: 3, newSize: 7, oldRoot: oldRoot, newRoot: root, proof: consistency + [root]), .consistencyProofWrongLength)
        XCTAssertLogError(try Merkle.verifyConsistency(oldSize: 3, newSize: 7, oldRoot: root, newRoot: root, proof: consistency), .consistencyOldRootMismatch)
        XCTAssertLogError(try Merkle.verifyConsistency(oldSize: 3, newSize: 7, oldRoot: oldRoot, newRoot: oldRoot, proof: consistency), .consistencyNewRootMismatch)
    }
}
