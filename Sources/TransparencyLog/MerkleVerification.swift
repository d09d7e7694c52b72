import SodiumKit

/// Proof verification as specified in RFC 9162 §2.1.3.2 and §2.1.4.2 (the RFC 6962 proofs,
/// with the verification steps RFC 6962 left implicit). A proof of the wrong length fails as
/// such: too long runs out of tree (sn reaches 0 early), too short leaves tree unclimbed.
extension Merkle {
    public static func verifyInclusion(
        leafHash: [UInt8], index: UInt64, treeSize: UInt64, proof: [[UInt8]], root: [UInt8]
    ) throws(LogError) {
        try requireHashLength(leafHash)
        try requireHashLength(root)
        for hash in proof { try requireHashLength(hash) }
        guard index < treeSize else { throw .leafIndexOutOfRange }

        var fn = index, sn = treeSize - 1
        var r = leafHash
        for p in proof {
            guard sn != 0 else { throw .inclusionProofWrongLength }
            if fn & 1 == 1 || fn == sn {
                r = nodeHash(p, r)
                // Skip the levels where this node was carried up without a right sibling.
                while fn & 1 == 0 && fn != 0 { fn >>= 1; sn >>= 1 }
            } else {
                r = nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { throw .inclusionProofWrongLength }
        guard Memory.constantTimeEquals(r, root) else { throw .inclusionRootMismatch }
    }

    public static func verifyConsistency(
        oldSize: UInt64, newSize: UInt64, oldRoot: [UInt8], newRoot: [UInt8], proof: [[UInt8]]
    ) throws(LogError) {
        guard oldSize <= newSize else { throw .oldSizeExceedsNewSize }
        if oldSize == newSize {
            // Nothing to climb: the proof is empty and the two heads must be the same head.
            guard proof.isEmpty else { throw .consistencyProofNotEmpty }
            if oldSize == 0 {
                guard Memory.constantTimeEquals(oldRoot, emptyRoot), Memory.constantTimeEquals(newRoot, emptyRoot)
                else { throw .emptyTreeRootInvalid }
            }
            guard Memory.constantTimeEquals(oldRoot, newRoot) else { throw .rootsDiffer }
            return
        }
        // Every tree extends the empty tree, so such a proof would vouch for nothing.
        guard oldSize > 0 else { throw .consistencyFromEmptyTree }
        try requireHashLength(oldRoot)
        try requireHashLength(newRoot)
        for hash in proof { try requireHashLength(hash) }
        guard !proof.isEmpty else { throw .consistencyProofWrongLength }

        // When the old tree is a perfect subtree of the new one, its root is the proof's first node.
        var path = proof
        if oldSize.nonzeroBitCount == 1 { path.insert(oldRoot, at: 0) }

        var fn = oldSize - 1, sn = newSize - 1
        while fn & 1 == 1 { fn >>= 1; sn >>= 1 }
        var fr = path[0], sr = path[0]
        for c in path.dropFirst() {
            guard sn != 0 else { throw .consistencyProofWrongLength }
            if fn & 1 == 1 || fn == sn {
                fr = nodeHash(c, fr)
                sr = nodeHash(c, sr)
                while fn & 1 == 0 && fn != 0 { fn >>= 1; sn >>= 1 }
            } else {
                sr = nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { throw .consistencyProofWrongLength }
        guard Memory.constantTimeEquals(fr, oldRoot) else { throw .consistencyOldRootMismatch }
        guard Memory.constantTimeEquals(sr, newRoot) else { throw .consistencyNewRootMismatch }
    }
}
