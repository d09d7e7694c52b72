import Dispatch

/// An RFC 6962 tree over leaf hashes held in one flat buffer (32 bytes each), for verifying a
/// whole exported log: roots and proofs at any size, computed from the leaves (the proofs
/// themselves are `MerkleSubtrees`').
///
/// The leaves are cut into aligned blocks of `blockLeaves` (a power of two). Each full block's
/// root is a perfect subtree of every tree that contains it, so it is hashed once — by the
/// worker that hashed the block's leaves, on whichever core — and looked up from then on. A
/// root then costs n/blockLeaves node hashes plus one partial block, not n.
public struct FlatMerkleTree: MerkleSubtrees {
    public static let blockLeaves = 4096
    public static let width = Merkle.hashByteCount

    public let leaves: [UInt8]
    public let size: UInt64
    /// The root of each full block, in order; nil for a block not (yet) hashed.
    let blockRoots: [[UInt8]?]

    /// `leaves` back to back; `blockRoots[b]`, when given, is `perfectRoot` of block b.
    public init(flatLeafHashes leaves: [UInt8], blockRoots: [[UInt8]?]) {
        self.leaves = leaves
        size = UInt64(leaves.count / Self.width)
        self.blockRoots = blockRoots
    }

    /// Computes the block roots itself, on all cores.
    public init(flatLeafHashes leaves: [UInt8]) {
        let blocks = leaves.count / Self.width / Self.blockLeaves
        var roots = [[UInt8]?](repeating: nil, count: blocks)
        if blocks > 0 { leaves.withUnsafeBufferPointer { l in
            roots.withUnsafeMutableBufferPointer { r in
                let out = UncheckedSendable(r.baseAddress!), input = UncheckedSendable(l)
                DispatchQueue.concurrentPerform(iterations: blocks) { b in
                    let start = b * Self.blockLeaves * Self.width
                    out.value[b] = Self.perfectRoot(UnsafeBufferPointer(rebasing: input.value[start..<start + Self.blockLeaves * Self.width]))
                }
            }
        } }
        self.init(flatLeafHashes: leaves, blockRoots: roots)
    }

    /// MTH of a perfect subtree, given its leaf hashes back to back (a power-of-two count).
    public static func perfectRoot(_ flat: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        // Binary-counter fold: push each leaf, merge while the top two cover equal counts.
        var stack: [([UInt8], Int)] = []
        var k = 0
        while k < flat.count {
            var node = (Array(UnsafeBufferPointer(rebasing: flat[k..<k + width])), 1)
            while let top = stack.last, top.1 == node.1 {
                stack.removeLast()
                node = (Merkle.nodeHash(top.0, node.0), top.1 * 2)
            }
            stack.append(node)
            k += width
        }
        return stack.first?.0 ?? Merkle.emptyRoot
    }

    func leaf(_ i: Int) -> [UInt8] { Array(leaves[i * Self.width ..< (i + 1) * Self.width]) }

    /// In RFC 6962's recursion every subtree of a full block's size starts on a block boundary,
    /// so the lookup below always finds its block.
    public func subtreeHash(start: UInt64, count: UInt64) -> [UInt8] {
        let start = Int(start), n = Int(count)
        if n == 1 { return leaf(start) }
        if n == Self.blockLeaves, start % Self.blockLeaves == 0, let r = blockRoots[start / Self.blockLeaves] { return r }
        let k = Merkle.largestPowerOfTwo(below: count)
        return Merkle.nodeHash(subtreeHash(start: UInt64(start), count: k), subtreeHash(start: UInt64(start) + k, count: count - k))
    }
}

/// A pointer handed to `concurrentPerform` workers that touch disjoint elements.
private struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
