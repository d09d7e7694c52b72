/// Every node hash of an RFC 6962 tree, kept level by level, so that proofs are O(log n) lookups.
///
/// Level 0 holds the leaf hashes; level h+1 holds the parents of level h, and an unpaired last
/// node is carried up unchanged. With that carry each stored hash is exactly RFC 6962's MTH of
/// the leaves below it, including the ragged right edge, so the current tree's proofs need no
/// hashing at all. Building costs n−1 node hashes; appending a leaf rehashes one node per level.
/// Hashes are stored flat, 32 bytes each, to keep a million-leaf tree in two contiguous buffers
/// per level rather than millions of small arrays.
public struct MerkleTree: MerkleSubtrees {
    private static let width = Merkle.hashByteCount
    private var levels: [[UInt8]]
    public private(set) var size: UInt64

    public init() {
        levels = []
        size = 0
    }

    public init(leafHashes: [[UInt8]]) throws(LogError) {
        var leaves = [UInt8]()
        leaves.reserveCapacity(leafHashes.count * Self.width)
        for leafHash in leafHashes {
            try Merkle.requireHashLength(leafHash)
            leaves += leafHash
        }
        size = UInt64(leafHashes.count)
        levels = leafHashes.isEmpty ? [] : [leaves]
        while let top = levels.last, top.count > Self.width { levels.append(Self.parents(of: top)) }
    }

    public mutating func append(leafHash: [UInt8]) throws(LogError) {
        try Merkle.requireHashLength(leafHash)
        if levels.isEmpty { levels = [[]] }
        levels[0] += leafHash
        size += 1
        // Only the last node of each level can change: recompute it from its children.
        var height = 0
        var index = Int(size - 1)
        while levels[height].count > Self.width {
            let parent = index / 2
            let children = levels[height].count / Self.width
            let left = Self.node(levels[height], parent * 2)
            let hash = parent * 2 + 1 < children ? Merkle.nodeHash(left, Self.node(levels[height], parent * 2 + 1)) : left
            if levels.count == height + 1 { levels.append([]) }
            let offset = parent * Self.width
            if levels[height + 1].count == offset {
                levels[height + 1] += hash
            } else {
                levels[height + 1].replaceSubrange(offset..<offset + Self.width, with: hash)
            }
            height += 1
            index = parent
        }
    }

    public var root: [UInt8] {
        guard let top = levels.last else { return Merkle.emptyRoot }
        return Self.node(top, 0)
    }

    public func leafHash(at index: UInt64) throws(LogError) -> [UInt8] {
        guard index < size else { throw .leafIndexOutOfRange }
        return Self.node(levels[0], Int(index))
    }

    public func inclusionProof(index: UInt64) throws(LogError) -> [[UInt8]] {
        try inclusionProof(index: index, treeSize: size)
    }

    public func consistencyProof(oldSize: UInt64) throws(LogError) -> [[UInt8]] {
        try consistencyProof(oldSize: oldSize, newSize: size)
    }

    /// A ragged right edge starts aligned to the next power of two at or above `count`.
    public func subtreeHash(start: UInt64, count: UInt64) -> [UInt8] {
        let height = Merkle.bitLength(count - 1)
        if count.nonzeroBitCount == 1 || start + count == size {
            return Self.node(levels[height], Int(start >> height))
        }
        // The right edge of an earlier, smaller tree: fold its perfect pieces right to left.
        var pieces: [[UInt8]] = []
        var offset = start
        for bit in stride(from: UInt64.bitWidth - 1, through: 0, by: -1) where count >> UInt64(bit) & 1 == 1 {
            pieces.append(Self.node(levels[bit], Int(offset >> UInt64(bit))))
            offset += 1 << UInt64(bit)
        }
        var hash = pieces.removeLast()
        for piece in pieces.reversed() { hash = Merkle.nodeHash(piece, hash) }
        return hash
    }

    private static func node(_ level: [UInt8], _ index: Int) -> [UInt8] {
        Array(level[index * width ..< (index + 1) * width])
    }

    private static func parents(of level: [UInt8]) -> [UInt8] {
        let count = level.count / width
        var parents = [UInt8]()
        parents.reserveCapacity((count + 1) / 2 * width)
        var index = 0
        while index + 1 < count {
            parents += Merkle.nodeHash(node(level, index), node(level, index + 1))
            index += 2
        }
        if index < count { parents += node(level, index) }
        return parents
    }
}
