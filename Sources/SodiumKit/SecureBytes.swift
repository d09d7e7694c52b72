import CSodium

/// Secret bytes in `sodium_malloc`'d memory: guarded pages, locked against swapping where the
/// system allows, and zeroed by `sodium_free` when released. Readable only inside closures;
/// `==` runs in constant time; `description` never shows the bytes. Deliberately not Codable.
public final class SecureBytes: @unchecked Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    // Immutable after init; only read afterwards, so sharing across threads is safe.
    private let pointer: UnsafeMutableRawPointer
    public let count: Int

    /// Uninitialised secure storage of `count` bytes, filled by `body`.
    public init(count: Int, _ body: (UnsafeMutableRawBufferPointer) throws(CryptoError) -> Void) throws(CryptoError) {
        try Sodium.ready()
        guard let p = sodium_malloc(max(count, 1)) else { throw .outOfSecureMemory }
        // Run `body` before the stored properties are set: a class whose init throws after full
        // initialisation still runs `deinit`, which would `sodium_free` the pointer a second time.
        do {
            try body(UnsafeMutableRawBufferPointer(start: p, count: count))
        } catch {
            sodium_free(p)
            throw error
        }
        pointer = p
        self.count = count
    }

    /// Copies `bytes` into secure storage. The caller remains responsible for its own copy.
    public convenience init(copying bytes: UnsafeRawBufferPointer) throws(CryptoError) {
        try self.init(count: bytes.count) { dst in
            if let base = bytes.baseAddress, bytes.count > 0 { dst.baseAddress!.copyMemory(from: base, byteCount: bytes.count) }
        }
    }

    /// Copies `bytes` into secure storage and zeroes the source array.
    public convenience init(consuming bytes: inout [UInt8]) throws(CryptoError) {
        try self.init(count: bytes.count) { dst in
            bytes.withUnsafeBytes { src in
                if src.count > 0 { dst.baseAddress!.copyMemory(from: src.baseAddress!, byteCount: src.count) }
            }
        }
        Memory.zero(&bytes)
    }

    /// Fresh random secret bytes from `randombytes_buf`.
    public static func random(count: Int) throws(CryptoError) -> SecureBytes {
        try SecureBytes(count: count) { buffer in
            if count > 0 { randombytes_buf(buffer.baseAddress!, count) }
        }
    }

    deinit { sodium_free(pointer) }

    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    public var description: String { "<redacted \(count) bytes>" }
    public var debugDescription: String { description }

    /// Constant-time comparison of two secrets of equal length.
    public func constantTimeEquals(_ other: SecureBytes) -> Bool {
        guard count == other.count else { return false }
        return sodium_memcmp(pointer, other.pointer, count) == 0
    }
}

/// Constant-time helpers for non-secret-typed buffers (MACs, commitments, tags).
public enum Memory {
    /// Compares two byte arrays without early exit. Lengths are not secret.
    public static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        return a.withUnsafeBytes { pa in b.withUnsafeBytes { pb in sodium_memcmp(pa.baseAddress!, pb.baseAddress!, pa.count) == 0 } }
    }

    /// Overwrites a buffer with zeros in a way the optimiser does not remove.
    public static func zero(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { buffer in
            if let base = buffer.baseAddress, buffer.count > 0 { sodium_memzero(base, buffer.count) }
        }
    }
}
