import CSodium

extension XChaCha20Poly1305 {
    /// Seals bytes read straight from secure memory, so a secret plaintext is never copied into an ordinary array.
    public static func seal(bytes plaintext: UnsafeRawBufferPointer, key: SymmetricKey, nonce: [UInt8], associatedData: [UInt8]) throws(CryptoError) -> [UInt8] {
        try Sodium.ready()
        try requireLength("nonce", nonce, nonceByteCount)
        var out = [UInt8](repeating: 0, count: plaintext.count + tagByteCount)
        var outLen: UInt64 = 0
        let m = plaintext.baseAddress?.assumingMemoryBound(to: UInt8.self)
        key.withUnsafeBytes { k in
            _ = crypto_aead_xchacha20poly1305_ietf_encrypt(
                &out, &outLen, m, UInt64(plaintext.count), associatedData, UInt64(associatedData.count),
                nil, nonce, k.bindMemory(to: UInt8.self).baseAddress!)
        }
        return out
    }

    public static func seal(_ plaintext: SecureBytes, key: SymmetricKey, nonce: [UInt8], associatedData: [UInt8]) throws(CryptoError) -> [UInt8] {
        try plaintext.withUnsafeBytes { p throws(CryptoError) in try seal(bytes: p, key: key, nonce: nonce, associatedData: associatedData) }
    }
}
