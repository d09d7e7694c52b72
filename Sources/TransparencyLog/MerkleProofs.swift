/// A store of an RFC 6962 tree's leaf hashes that can give the hash of any node of the tree at
/// its current or an earlier size. The RFC's roots and proofs are written once, below, over
/// this one operation; `MerkleTree` (every level kept, for a growing log) and
/// `FlatMerkleTree` (leaves plus block roots, for verifying a whole exported log) store differently.
public protocol MerkleSubtrees: Sendable {
    /// How many leaves the store holds.
    var size: UInt64 { get }

    /// MTH of the `count` leaves from `start` (count ≥ 1), for a node of the RFC 6962 tree of
    /// some size not above `size`: a perfect aligned subtree, or the ragged right edge of a tree.
    func subtreeHash(start: UInt64, count: UInt64) -> [UInt8]
}

extension MerkleSubtrees {
    /// MTH(D[treeSize]): the root the tree had when it held `treeSize` leaves.
    public func root(atSize treeSize: UInt64) throws(LogError) -> [UInt8] {
        guard treeSize <= size else { throw .treeSizeOutOfRange }
        return treeSize == 0 ? Merkle.emptyRoot : subtreeHash(start: 0, count: treeSize)
    }

    /// RFC 6962 PATH(index, D[treeSize]), for the current or any earlier size of the tree.
    public func inclusionProof(index: UInt64, treeSize: UInt64) throws(LogError) -> [[UInt8]] {
        guard treeSize <= size else { throw .treeSizeOutOfRange }
        guard index < treeSize else { throw .leafIndexOutOfRange }
        // Walk the recursion from the root down; RFC 6962 lists the hashes leaf first.
        var proof: [[UInt8]] = []
        var start: UInt64 = 0, count = treeSize, target = index
        while count > 1 {
            let k = Merkle.largestPowerOfTwo(below: count)
            if target < k {
                proof.append(subtreeHash(start: start + k, count: count - k))
                count = k
            } else {
                proof.append(subtreeHash(start: start, count: k))
                start += k
                target -= k
                count -= k
            }
        }
        return proof.reversed()
    }

    /// RFC 6962 PROOF(oldSize, D[newSize]) = SUBPROOF(oldSize, D[newSize], true).
    public func consistencyProof(oldSize: UInt64, newSize: UInt64) throws(LogError) -> [[UInt8]] {
        guard newSize <= size else { throw .treeSizeOutOfRange }
        guard oldSize <= newSize else { throw .oldSizeExceedsNewSize }
        if oldSize == newSize { return [] }
        guard oldSize > 0 else { throw .consistencyFromEmptyTree }
        var proof: [[UInt8]] = []
        var start: UInt64 = 0, count = newSize, old = oldSize
        // True while the old tree is still a whole left subtree: its root is then known to the
        // verifier and is left out of the proof.
        var oldTreeIsWholeSubtree = true
        while old != count {
            let k = Merkle.largestPowerOfTwo(below: count)
            if old <= k {
                proof.append(subtreeHash(start: start + k, count: count - k))
                count = k
            } else {
                proof.append(subtreeHash(start: start, count: k))
                start += k
                old -= k
                count -= k
                oldTreeIsWholeSubtree = false
            }
        }
        if !oldTreeIsWholeSubtree { proof.append(subtreeHash(start: start, count: count)) }
        return proof.reversed()
    }
}
