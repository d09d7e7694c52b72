import Foundation
import SodiumKit
import TransparencyLog
import XCTest

/// The transparency-dev/merkle conformance vectors (Tests/Vectors/merkle): every proof marked
/// wantErr=false must verify and every one marked wantErr=true must be rejected.
final class MerkleVectorTests: XCTestCase {
    struct InclusionVector: Decodable {
        let leafIdx: UInt64
        let treeSize: UInt64
        let root: String
        let leafHash: String
        let proof: [String]?
        let desc: String
        let wantErr: Bool
    }

    struct ConsistencyVector: Decodable {
        let size1: UInt64
        let size2: UInt64
        let root1: String
        let root2: String
        let proof: [String]?
        let desc: String
        let wantErr: Bool
    }

    struct Roots: Decodable {
        let leaf_inputs_hex: [String]
        let root_hex: [String]
    }

    func testInclusionVectors() throws {
        let vectors = try Vectors.load(InclusionVector.self, below: Vectors.folder("merkle/inclusion"))
        try checkAll(vectors, wantErr: \.wantErr) { v in
            try Merkle.verifyInclusion(
                leafHash: Fixtures.base64(v.leafHash), index: v.leafIdx, treeSize: v.treeSize,
                proof: (v.proof ?? []).map { Fixtures.base64($0) }, root: Fixtures.base64(v.root))
        }
    }

    func testConsistencyVectors() throws {
        let vectors = try Vectors.load(ConsistencyVector.self, below: Vectors.folder("merkle/consistency"))
        try checkAll(vectors, wantErr: \.wantErr) { v in
            try Merkle.verifyConsistency(
                oldSize: v.size1, newSize: v.size2, oldRoot: Fixtures.base64(v.root1),
                newRoot: Fixtures.base64(v.root2), proof: (v.proof ?? []).map { Fixtures.base64($0) })
        }
    }

    func testRootsOfSizesZeroToEight() throws {
        let url = try Vectors.folder("merkle/roots.json")
        let roots = try JSONDecoder().decode(Roots.self, from: Data(contentsOf: url))
        XCTAssertEqual(roots.root_hex.count, 9)
        let leaves = roots.leaf_inputs_hex.map { Merkle.leafHash(Hex.decode($0)!) }
        var range = CompactRange()
        var tree = MerkleTree()
        for (size, rootHex) in roots.root_hex.enumerated() {
            let expected = Hex.decode(rootHex)!
            let prefix = Array(leaves.prefix(size))
            XCTAssertEqual(Merkle.root(ofLeafHashes: prefix), expected, "Merkle.root, size \(size)")
            XCTAssertEqual(try MerkleTree(leafHashes: prefix).root, expected, "MerkleTree, size \(size)")
            XCTAssertEqual(range.root, expected, "CompactRange, size \(size)")
            XCTAssertEqual(tree.root, expected, "appended MerkleTree, size \(size)")
            if size < leaves.count {
                try range.append(leafHash: leaves[size])
                try tree.append(leafHash: leaves[size])
            }
        }
    }

    /// One loop for both kinds: counts both outcomes so an empty or one-sided set fails loudly.
    private func checkAll<V>(
        _ vectors: [(name: String, vector: V)], wantErr: KeyPath<V, Bool>, verify: (V) throws -> Void
    ) throws {
        XCTAssertEqual(vectors.count, 98, "vector count changed; check the loader")
        var accepted = 0, rejected = 0
        for (name, vector) in vectors {
            do {
                try verify(vector)
                accepted += 1
                XCTAssertFalse(vector[keyPath: wantErr], "\(name): accepted, but the vector wants an error")
            } catch let error as LogError {
                rejected += 1
                XCTAssertTrue(vector[keyPath: wantErr], "\(name): rejected (\(error)), but the vector wants success")
            }
        }
        XCTAssertGreaterThan(accepted, 0)
        XCTAssertGreaterThan(rejected, 0)
    }
}
