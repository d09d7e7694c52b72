import SodiumKit

/// RFC 6962 §2.1 Merkle tree hashing with SHA-256. The one-byte prefixes (0x00 for leaves, 0x01
/// for interior nodes) keep a leaf from ever being passed off as a node, and the reverse.
public enum Merkle {
    public static let hashByteCount = SHA256.byteCount
    static let leafPrefix: UInt8 = 0x00
    static let nodePrefix: UInt8 = 0x01

    /// MTH({}): the root of the empty tree is the hash of the empty string.
    public static let emptyRoot: [UInt8] = SHA256.hash([])

    public static func leafHash(_ entry: [UInt8]) -> [UInt8] {
        SHA256.hash(prefix: leafPrefix, entry)
    }

    public static func nodeHash(_ left: [UInt8], _ right: [UInt8]) -> [UInt8] {
        SHA256.hash(prefix: nodePrefix, left, right)
    }

    /// MTH over the given leaf hashes, in O(n) time and O(log n) memory.
    public static func root(ofLeafHashes leafHashes: [[UInt8]]) -> [UInt8] {
        var range = CompactRange()
        for leafHash in leafHashes { range.appendUnchecked(leafHash) }
        return range.root
    }

    /// RFC 6962 PATH(index, D[n]): sibling hashes from the leaf's up to the root's child.
    public static func inclusionProof(index: UInt64, leafHashes: [[UInt8]]) throws(LogError) -> [[UInt8]] {
        try MerkleTree(leafHashes: leafHashes).inclusionProof(index: index)
    }

    /// RFC 6962 PROOF(oldSize, D[n]). Empty when the sizes are equal.
    public static func consistencyProof(oldSize: UInt64, leafHashes: [[UInt8]]) throws(LogError) -> [[UInt8]] {
        try MerkleTree(leafHashes: leafHashes).consistencyProof(oldSize: oldSize)
    }

    static func requireHashLength(_ hash: [UInt8]) throws(LogError) {
        guard hash.count == hashByteCount else { throw .invalidHashLength }
    }

    /// Bits needed to write `value`: 0 for 0, 1 for 1, 3 for 4…7.
    static func bitLength(_ value: UInt64) -> Int { UInt64.bitWidth - value.leadingZeroBitCount }

    /// The k of RFC 6962: the largest power of two strictly below `count` (count ≥ 2).
    static func largestPowerOfTwo(below count: UInt64) -> UInt64 { 1 << (bitLength(count - 1) - 1) }
}
