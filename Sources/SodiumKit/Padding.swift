import CSodium

/// ISO/IEC 7816-4 padding (`sodium_pad` / `sodium_unpad`): one 0x80 byte, then zeros up to the
/// next multiple of the block size. Used so that ciphertext lengths reveal only a size bucket.
public enum Padding {
    /// `data` padded to the next multiple of `blockSize` (always at least one byte added).
    public static func pad(_ data: [UInt8], blockSize: Int) throws(CryptoError) -> [UInt8] {
        try Sodium.ready()
        guard blockSize > 0 else { throw .invalidLength(what: "padding block size", expected: 1, actual: blockSize) }
        let (blocks, _) = data.count.quotientAndRemainder(dividingBy: blockSize)
        let (capacity, overflow) = (blocks + 1).multipliedReportingOverflow(by: blockSize)
        guard !overflow else { throw .encryptionFailed }
        var out = data + [UInt8](repeating: 0, count: capacity - data.count)
        var padded = 0
        let rc = out.withUnsafeMutableBufferPointer { b in
            sodium_pad(&padded, b.baseAddress!, data.count, blockSize, capacity)
        }
        guard rc == 0, padded == capacity else {
            Memory.zero(&out)
            throw .encryptionFailed
        }
        return out
    }

    /// `data` padded straight into secure memory, so a secret plaintext is never copied into an
    /// ordinary array (case documents).
    public static func pad(secure data: UnsafeRawBufferPointer, blockSize: Int) throws(CryptoError) -> SecureBytes {
        try Sodium.ready()
        guard blockSize > 0 else { throw .invalidLength(what: "padding block size", expected: 1, actual: blockSize) }
        let (blocks, _) = data.count.quotientAndRemainder(dividingBy: blockSize)
        let (capacity, overflow) = (blocks + 1).multipliedReportingOverflow(by: blockSize)
        guard !overflow else { throw .encryptionFailed }
        return try SecureBytes(count: capacity) { out throws(CryptoError) in
            let base = out.baseAddress!
            if let src = data.baseAddress, data.count > 0 { base.copyMemory(from: src, byteCount: data.count) }
            sodium_memzero(base + data.count, capacity - data.count)
            var padded = 0
            guard sodium_pad(&padded, base.assumingMemoryBound(to: UInt8.self), data.count, blockSize, capacity) == 0,
                  padded == capacity else { throw .encryptionFailed }
        }
    }

    /// The length before padding of `padded`, whose last `blockSize` bytes hold the padding.
    /// Malformed padding (no 0x80 marker, or a non-zero byte after it) is refused.
    public static func unpaddedLength(_ padded: UnsafeRawBufferPointer, blockSize: Int) throws(CryptoError) -> Int {
        try Sodium.ready()
        guard blockSize > 0, padded.count >= blockSize else { throw .authenticationFailed }
        var n = 0
        let rc = sodium_unpad(&n, padded.bindMemory(to: UInt8.self).baseAddress!, padded.count, blockSize)
        guard rc == 0, n < padded.count else { throw .authenticationFailed }
        return n
    }

    /// `padded` without its padding; see `unpaddedLength`.
    public static func unpad(_ padded: [UInt8], blockSize: Int) throws(CryptoError) -> [UInt8] {
        let n = padded.withUnsafeBytes { b in Result { () throws(CryptoError) in try unpaddedLength(b, blockSize: blockSize) } }
        return Array(padded.prefix(try n.get()))
    }
}
