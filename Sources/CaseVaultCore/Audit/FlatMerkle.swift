import Dispatch
import TransparencyLog

/// RFC 6962 hashing over leaf hashes held in one flat buffer (32 bytes each), for the auditor's
/// side: roots at any size, inclusion and consistency proofs, all computed from the leaves.
///
/// The leaves are cut into aligned blocks of `blockLeaves` (a power of two). Each full block's
/// root is a perfect subtree of every tree that contains it, so it is hashed once — by the
/// worker that hashed the block's leaves, on whichever core — and looked up from then on. A
/// root then costs n/blockLeaves node hashes plus one partial block, not n.
struct FlatMerkle: Sendable {
    static let blockLeaves = 4096
    static let width = 32

    let leaves: [UInt8]
    let count: Int
    /// The root of each full block, in order; nil for a block not (yet) hashed.
    let blockRoots: [[UInt8]?]

    init(leaves: [UInt8], blockRoots: [[UInt8]?]) {
        self.leaves = leaves
        count = leaves.count / Self.width
        self.blockRoots = blockRoots
    }

    /// Computes the block roots itself, on all cores.
    init(leaves: [UInt8]) {
        let count = leaves.count / Self.width
        let blocks = count / Self.blockLeaves
        var roots = [[UInt8]?](repeating: nil, count: blocks)
        if blocks > 0 { leaves.withUnsafeBufferPointer { l in
            roots.withUnsafeMutableBufferPointer { r in
                let out = SendablePointer(r.baseAddress!), input = SendableBuffer(l)
                DispatchQueue.concurrentPerform(iterations: blocks) { b in
                    let start = b * Self.blockLeaves * Self.width
                    out.pointer[b] = Self.perfectRoot(UnsafeBufferPointer(rebasing: input.buffer[start..<start + Self.blockLeaves * Self.width]))
                }
            }
        } }
        self.init(leaves: leaves, blockRoots: roots)
    }

    /// MTH of a perfect subtree, given its leaf hashes back to back (a power-of-two count).
    static func perfectRoot(_ flat: UnsafeBufferPointer<UInt8>) -> [UInt8] {
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

    /// MTH(D[size]): the root the log had when it held `size` entries.
    func root(size: Int) -> [UInt8] {
        precondition(size <= count)
        return size == 0 ? Merkle.emptyRoot : subtree(start: 0, count: size)
    }

    /// RFC 6962 PATH(index, D[size]), the leaf's sibling first.
    func inclusionProof(index: Int, size: Int) -> [[UInt8]] {
        precondition(index < size && size <= count)
        var proof: [[UInt8]] = []
        var start = 0, n = size, m = index
        while n > 1 {
            let k = Self.largestPowerOfTwo(below: n)
            if m < k {
                proof.append(subtree(start: start + k, count: n - k))
                n = k
            } else {
                proof.append(subtree(start: start, count: k))
                start += k
                m -= k
                n -= k
            }
        }
        return proof.reversed()
    }

    /// RFC 6962 PROOF(oldSize, D[newSize]): SUBPROOF(m, D[n], true), unrolled.
    func consistencyProof(oldSize: Int, newSize: Int) -> [[UInt8]] {
        precondition(oldSize <= newSize && newSize <= count)
        guard oldSize > 0, oldSize < newSize else { return [] }
        var proof: [[UInt8]] = []
        var start = 0, n = newSize, m = oldSize
        var wholeOldTree = true
        while m != n {
            let k = Self.largestPowerOfTwo(below: n)
            if m <= k {
                proof.append(subtree(start: start + k, count: n - k))
                n = k
            } else {
                proof.append(subtree(start: start, count: k))
                start += k
                m -= k
                n -= k
                wholeOldTree = false
            }
        }
        if !wholeOldTree { proof.append(subtree(start: start, count: n)) }
        return proof.reversed()
    }

    /// MTH of `count` leaves from `start`. In RFC 6962's recursion every subtree of a full
    /// block's size starts on a block boundary, so the lookup below always finds its block.
    private func subtree(start: Int, count n: Int) -> [UInt8] {
        if n == 1 { return leaf(start) }
        if n == Self.blockLeaves, start % Self.blockLeaves == 0, let r = blockRoots[start / Self.blockLeaves] { return r }
        let k = Self.largestPowerOfTwo(below: n)
        return Merkle.nodeHash(subtree(start: start, count: k), subtree(start: start + k, count: n - k))
    }

    static func largestPowerOfTwo(below n: Int) -> Int { 1 << (Int.bitWidth - (n - 1).leadingZeroBitCount - 1) }
}

/// Raw pointers handed to `concurrentPerform` workers that write disjoint elements.
struct SendablePointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ p: UnsafeMutablePointer<T>) { pointer = p }
}

struct SendableBuffer<T>: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<T>
    init(_ b: UnsafeBufferPointer<T>) { buffer = b }
}
