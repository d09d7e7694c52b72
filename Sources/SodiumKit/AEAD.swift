import CSodium

/// XChaCha20-Poly1305 (IETF), `crypto_aead_xchacha20poly1305_ietf_*`. Output: ciphertext ‖ 16-byte tag.
public enum XChaCha20Poly1305 {
    public static let nonceByteCount = 24
    public static let tagByteCount = 16

    public static func randomNonce() -> [UInt8] { Random.bytes(nonceByteCount) }

    public static func seal(_ plaintext: [UInt8], key: SymmetricKey, nonce: [UInt8], associatedData: [UInt8]) throws(CryptoError) -> [UInt8] {
        try Sodium.ready()
        try requireLength("nonce", nonce, nonceByteCount)
        var out = [UInt8](repeating: 0, count: plaintext.count + tagByteCount)
        var outLen: UInt64 = 0
        key.withUnsafeBytes { k in
            _ = crypto_aead_xchacha20poly1305_ietf_encrypt(
                &out, &outLen, plaintext, UInt64(plaintext.count), associatedData, UInt64(associatedData.count),
                nil, nonce, k.bindMemory(to: UInt8.self).baseAddress!)
        }
        return out
    }

    /// Decrypts into secure memory: a case's plaintext never sits in an unzeroed heap array.
    public static func open(_ ciphertext: [UInt8], key: SymmetricKey, nonce: [UInt8], associatedData: [UInt8]) throws(CryptoError) -> SecureBytes {
        try Sodium.ready()
        try requireLength("nonce", nonce, nonceByteCount)
        guard ciphertext.count >= tagByteCount else { throw .authenticationFailed }
        let plainCount = ciphertext.count - tagByteCount
        return try SecureBytes(count: plainCount) { (buffer) throws(CryptoError) in
            var outLen: UInt64 = 0
            let rc = key.withUnsafeBytes { k in
                crypto_aead_xchacha20poly1305_ietf_decrypt(
                    buffer.bindMemory(to: UInt8.self).baseAddress, &outLen, nil, ciphertext, UInt64(ciphertext.count),
                    associatedData, UInt64(associatedData.count), nonce, k.bindMemory(to: UInt8.self).baseAddress!)
            }
            guard rc == 0 else { throw .authenticationFailed }
        }
    }
}

/// ChaCha20-Poly1305 (IETF, 96-bit nonce). Present for the Wycheproof conformance suite only.
public enum ChaCha20Poly1305 {
    public static let nonceByteCount = 12

    public static func seal(_ plaintext: [UInt8], key: SymmetricKey, nonce: [UInt8], associatedData: [UInt8]) throws(CryptoError) -> [UInt8] {
        try Sodium.ready()
        try requireLength("nonce", nonce, nonceByteCount)
        var out = [UInt8](repeating: 0, count: plaintext.count + 16)
        var outLen: UInt64 = 0
        key.withUnsafeBytes { k in
            _ = crypto_aead_chacha20poly1305_ietf_encrypt(
                &out, &outLen, plaintext, UInt64(plaintext.count), associatedData, UInt64(associatedData.count),
                nil, nonce, k.bindMemory(to: UInt8.self).baseAddress!)
        }
        return out
    }

    public static func open(_ ciphertext: [UInt8], key: SymmetricKey, nonce: [UInt8], associatedData: [UInt8]) throws(CryptoError) -> SecureBytes {
        try Sodium.ready()
        try requireLength("nonce", nonce, nonceByteCount)
        guard ciphertext.count >= 16 else { throw .authenticationFailed }
        return try SecureBytes(count: ciphertext.count - 16) { (buffer) throws(CryptoError) in
            var outLen: UInt64 = 0
            let rc = key.withUnsafeBytes { k in
                crypto_aead_chacha20poly1305_ietf_decrypt(
                    buffer.bindMemory(to: UInt8.self).baseAddress, &outLen, nil, ciphertext, UInt64(ciphertext.count),
                    associatedData, UInt64(associatedData.count), nonce, k.bindMemory(to: UInt8.self).baseAddress!)
            }
            guard rc == 0 else { throw .authenticationFailed }
        }
    }
}
