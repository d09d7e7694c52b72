/// Canonical binary encoding used for everything CaseVault signs: big-endian integers,
/// byte strings and UTF-8 strings prefixed by a 32-bit big-endian length. One value, one encoding.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    init(reservingCapacity n: Int = 0) { bytes.reserveCapacity(n) }

    mutating func raw(_ b: [UInt8]) { bytes += b }
    mutating func raw(_ s: String) { bytes += Array(s.utf8) }
    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u32(_ v: UInt32) { for s in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt32(s))) } }
    mutating func u64(_ v: UInt64) { for s in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt64(s))) } }
    mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }
    mutating func data(_ b: [UInt8]) {
        u32(UInt32(b.count))
        bytes += b
    }
    mutating func string(_ s: String) { data(Array(s.utf8)) }
}

/// Strict reader for `ByteWriter`'s encoding. Every failure is `DecodingFailure`, which callers
/// turn into a format error naming the structure, never its contents.
struct ByteReader {
    struct DecodingFailure: Error {}

    private let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }
    var remaining: Int { bytes.count - offset }

    mutating func raw(_ n: Int) throws(DecodingFailure) -> [UInt8] {
        guard n >= 0, n <= remaining else { throw DecodingFailure() }
        defer { offset += n }
        return Array(bytes[offset..<offset + n])
    }
    mutating func skip(_ n: Int) throws(DecodingFailure) {
        guard n >= 0, n <= remaining else { throw DecodingFailure() }
        offset += n
    }
    // The integers and strings are read in place: a listing's index decodes tens of thousands.
    mutating func u8() throws(DecodingFailure) -> UInt8 {
        guard remaining >= 1 else { throw DecodingFailure() }
        defer { offset += 1 }
        return bytes[offset]
    }
    mutating func u32() throws(DecodingFailure) -> UInt32 { UInt32(try bigEndian(4)) }
    mutating func u64() throws(DecodingFailure) -> UInt64 { try bigEndian(8) }
    mutating func i64() throws(DecodingFailure) -> Int64 { Int64(bitPattern: try u64()) }
    private mutating func bigEndian(_ n: Int) throws(DecodingFailure) -> UInt64 {
        guard remaining >= n else { throw DecodingFailure() }
        var v: UInt64 = 0
        for i in offset..<offset + n { v = v << 8 | UInt64(bytes[i]) }
        offset += n
        return v
    }
    mutating func data(max: Int = 1 << 24) throws(DecodingFailure) -> [UInt8] {
        let n = Int(try u32())
        guard n <= max else { throw DecodingFailure() }
        return try raw(n)
    }
    mutating func string(max: Int = 1 << 16) throws(DecodingFailure) -> String {
        let n = Int(try u32())
        guard n <= max, n <= remaining else { throw DecodingFailure() }
        let s = bytes.withUnsafeBufferPointer { String(validating: UnsafeBufferPointer(rebasing: $0[offset..<offset + n]), as: UTF8.self) }
        guard let s else { throw DecodingFailure() }
        offset += n
        return s
    }
    /// Calls `body` with the next length-prefixed bytes in place, without copying them out.
    mutating func withData<T>(max: Int = 1 << 24, _ body: (UnsafeRawBufferPointer) throws(DecodingFailure) -> T) throws(DecodingFailure) -> T {
        let n = Int(try u32())
        guard n <= max, n <= remaining else { throw DecodingFailure() }
        let start = offset
        offset += n
        let result = bytes.withUnsafeBytes { all in
            Result { () throws(DecodingFailure) in try body(UnsafeRawBufferPointer(rebasing: all[start..<start + n])) }
        }
        return try result.get()
    }
    /// A count of items that follow, bounded so a corrupt count cannot exhaust memory.
    mutating func count(max: Int = 1 << 20) throws(DecodingFailure) -> Int {
        let n = Int(try u32())
        guard n <= max, n <= remaining else { throw DecodingFailure() }
        return n
    }
    func expectEnd() throws(DecodingFailure) { guard isAtEnd else { throw DecodingFailure() } }
}
