import CSodium

/// XChaCha20-Poly1305 under a per-message subkey `K' = BLAKE2b-256(key = K, message = context)`
/// (keyed `crypto_generichash`). The subkey lives in a temporary buffer zeroed right after use,
/// so deriving one key per field costs no `sodium_malloc`.
extension XChaCha20Poly1305 {
    public static func seal(bytes plaintext: UnsafeRawBufferPointer, key: SymmetricKey, subkeyContext: [UInt8], nonce: [UInt8],
                            associatedData: [UInt8]) throws(CryptoError) -> [UInt8] {
        try withSubkey(of: key, context: subkeyContext) { k throws(CryptoError) in
            try AEADConstruction.xchacha20Poly1305.seal(plaintext, keyBytes: k, nonce: nonce, associatedData: associatedData)
        }
    }

    public static func open(_ ciphertext: [UInt8], key: SymmetricKey, subkeyContext: [UInt8], nonce: [UInt8], associatedData: [UInt8],
                            into buffer: UnsafeMutableRawBufferPointer) throws(CryptoError) -> Int {
        try withSubkey(of: key, context: subkeyContext) { k throws(CryptoError) in
            try AEADConstruction.xchacha20Poly1305.open(ciphertext, keyBytes: k, nonce: nonce, associatedData: associatedData, into: buffer)
        }
    }

    private static func withSubkey<R>(of key: SymmetricKey, context: [UInt8], _ body: (UnsafeRawBufferPointer) throws(CryptoError) -> R) throws(CryptoError) -> R {
        try Sodium.ready()
        let n = SymmetricKey.byteCount
        let result = withUnsafeTemporaryAllocation(byteCount: n, alignment: 16) { sub in
            defer { sodium_memzero(sub.baseAddress!, n) }
            let rc = key.withUnsafeBytes { k in
                crypto_generichash(sub.baseAddress!.assumingMemoryBound(to: UInt8.self), n, context, UInt64(context.count),
                                   k.bindMemory(to: UInt8.self).baseAddress!, k.count)
            }
            precondition(rc == 0, "crypto_generichash failed")
            return Result { () throws(CryptoError) in try body(UnsafeRawBufferPointer(sub)) }
        }
        return try result.get()
    }
}

extension BLAKE2b {
    /// Keyed BLAKE2b-256 over the concatenation of `parts`, with a key read from (secure) memory:
    /// a value commitment is computed straight from a decrypted buffer, never copied out.
    public static func hash(parts: [UnsafeRawBufferPointer], keyBytes: UnsafeRawBufferPointer) -> [UInt8] {
        precondition((1...crypto_generichash_keybytes_max()).contains(keyBytes.count), "BLAKE2b key must be 1...64 bytes")
        precondition((try? Sodium.ready()) != nil, "libsodium could not be initialised")
        var out = [UInt8](repeating: 0, count: 32)
        // The state type is 64-byte aligned, which Swift imports as opaque: allocate it by size.
        let size = crypto_generichash_statebytes()
        withUnsafeTemporaryAllocation(byteCount: size, alignment: 64) { raw in
            let state = OpaquePointer(raw.baseAddress!)
            defer { sodium_memzero(raw.baseAddress!, size) }
            _ = crypto_generichash_init(state, keyBytes.bindMemory(to: UInt8.self).baseAddress!, keyBytes.count, out.count)
            for p in parts where p.count > 0 {
                _ = crypto_generichash_update(state, p.bindMemory(to: UInt8.self).baseAddress!, UInt64(p.count))
            }
            let rc = crypto_generichash_final(state, &out, out.count)
            precondition(rc == 0, "crypto_generichash failed")
        }
        return out
    }
}

extension Random {
    /// Fills caller-provided (secure) memory with random bytes: secrets such as a value
    /// commitment's salt are made where they are used.
    public static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        precondition((try? Sodium.ready()) != nil, "libsodium could not be initialised")
        if let base = buffer.baseAddress, buffer.count > 0 { randombytes_buf(base, buffer.count) }
    }
}
