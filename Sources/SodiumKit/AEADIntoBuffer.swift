import CSodium

extension XChaCha20Poly1305 {
    /// Decrypts into caller-provided secure memory (one `SecureBytes` arena for many fields:
    /// each `sodium_malloc` costs an mmap with guard pages). Returns the plaintext length.
    public static func open(_ ciphertext: [UInt8], key: SymmetricKey, nonce: [UInt8], associatedData: [UInt8],
                            into buffer: UnsafeMutableRawBufferPointer) throws(CryptoError) -> Int {
        try Sodium.ready()
        try requireLength("nonce", nonce, nonceByteCount)
        guard ciphertext.count >= tagByteCount else { throw .authenticationFailed }
        let plainCount = ciphertext.count - tagByteCount
        guard buffer.count >= plainCount, let base = buffer.baseAddress else {
            throw .invalidLength(what: "output buffer", expected: plainCount, actual: buffer.count)
        }
        var outLen: UInt64 = 0
        let rc = key.withUnsafeBytes { k in
            crypto_aead_xchacha20poly1305_ietf_decrypt(
                base.assumingMemoryBound(to: UInt8.self), &outLen, nil, ciphertext, UInt64(ciphertext.count),
                associatedData, UInt64(associatedData.count), nonce, k.bindMemory(to: UInt8.self).baseAddress!)
        }
        guard rc == 0 else {
            sodium_memzero(base, plainCount)
            throw .authenticationFailed
        }
        return plainCount
    }
}

