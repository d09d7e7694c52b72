/// The right edge of an RFC 6962 tree: the roots of the perfect subtrees that make up the
/// binary decomposition of `size`, largest (leftmost) first. It is all a log needs to keep to
/// append a leaf and report the new root, in O(log n) hashes and memory, without rereading the
/// leaves. Store it as `size` plus `hashes` and restore it with `init(size:hashes:)`.
public struct CompactRange: Sendable, Equatable {
    public private(set) var size: UInt64
    public private(set) var hashes: [[UInt8]]

    /// The empty tree.
    public init() {
        size = 0
        hashes = []
    }

    /// Restores a stored frontier. There must be one 32-byte hash per set bit of `size`.
    public init(size: UInt64, hashes: [[UInt8]]) throws(LogError) {
        guard hashes.count == size.nonzeroBitCount,
              hashes.allSatisfy({ $0.count == Merkle.hashByteCount })
        else { throw .compactRangeInvalid }
        self.size = size
        self.hashes = hashes
    }

    public mutating func append(leafHash: [UInt8]) throws(LogError) {
        try Merkle.requireHashLength(leafHash)
        guard size < UInt64.max else { throw .treeSizeOutOfRange }
        appendUnchecked(leafHash)
    }

    /// Adding a leaf merges equal-sized subtrees like carries in binary addition: one merge per
    /// trailing one bit of the old size.
    mutating func appendUnchecked(_ leafHash: [UInt8]) {
        var hash = leafHash
        var carries = size
        while carries & 1 == 1 {
            hash = Merkle.nodeHash(hashes.removeLast(), hash)
            carries >>= 1
        }
        hashes.append(hash)
        size += 1
    }

    /// MTH(D[size]): the subtree roots folded right to left, which is RFC 6962's split at the
    /// largest power of two applied once per subtree.
    public var root: [UInt8] {
        guard var root = hashes.last else { return Merkle.emptyRoot }
        for hash in hashes.dropLast().reversed() { root = Merkle.nodeHash(hash, root) }
        return root
    }
}
