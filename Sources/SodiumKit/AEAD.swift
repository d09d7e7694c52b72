import CSodium

/// The two IETF AEAD constructions libsodium offers under the same calling convention. Sealing
/// and opening are written once here for both: the return codes are checked, and a failed
/// decryption leaves no partial plaintext behind. Output: ciphertext ‖ 16-byte tag.
enum AEADConstruction {
    case xchacha20Poly1305
    case chacha20Poly1305

    static let tagByteCount = 16

    var nonceByteCount: Int {
        switch self {
        case .xchacha20Poly1305: 24
        case .chacha20Poly1305: 12
        }
    }

    func seal(_ plaintext: UnsafeRawBufferPointer, key: SymmetricKey, nonce: [UInt8], associatedData: [UInt8]) throws(CryptoError) -> [UInt8] {
        try key.withUnsafeBytes { k throws(CryptoError) in try seal(plaintext, keyBytes: k, nonce: nonce, associatedData: associatedData) }
    }

    func seal(_ plaintext: UnsafeRawBufferPointer, keyBytes: UnsafeRawBufferPointer, nonce: [UInt8], associatedData: [UInt8]) throws(CryptoError) -> [UInt8] {
        try Sodium.ready()
        try requireLength("key", keyBytes, SymmetricKey.byteCount)
        try requireLength("nonce", nonce, nonceByteCount)
        var out = [UInt8](repeating: 0, count: plaintext.count + Self.tagByteCount)
        var outLen: UInt64 = 0
        let m = plaintext.baseAddress?.assumingMemoryBound(to: UInt8.self)
        let rc = { (k: UnsafePointer<UInt8>) in
            switch self {
            case .xchacha20Poly1305:
                crypto_aead_xchacha20poly1305_ietf_encrypt(
                    &out, &outLen, m, UInt64(plaintext.count), associatedData, UInt64(associatedData.count), nil, nonce, k)
            case .chacha20Poly1305:
                crypto_aead_chacha20poly1305_ietf_encrypt(
                    &out, &outLen, m, UInt64(plaintext.count), associatedData, UInt64(associatedData.count), nil, nonce, k)
            }
        }(keyBytes.bindMemory(to: UInt8.self).baseAddress!)
        guard rc == 0, outLen == UInt64(out.count) else { throw .encryptionFailed }
        return out
    }

    /// Decrypts into caller-provided memory and returns the plaintext length; on failure the
    /// buffer is zeroed.
    func open(_ ciphertext: [UInt8], key: SymmetricKey, nonce: [UInt8], associatedData: [UInt8],
              into buffer: UnsafeMutableRawBufferPointer) throws(CryptoError) -> Int {
        try key.withUnsafeBytes { k throws(CryptoError) in try open(ciphertext, keyBytes: k, nonce: nonce, associatedData: associatedData, into: buffer) }
    }

    func open(_ ciphertext: [UInt8], keyBytes: UnsafeRawBufferPointer, nonce: [UInt8], associatedData: [UInt8],
              into buffer: UnsafeMutableRawBufferPointer) throws(CryptoError) -> Int {
        try Sodium.ready()
        try requireLength("key", keyBytes, SymmetricKey.byteCount)
        try requireLength("nonce", nonce, nonceByteCount)
        guard ciphertext.count >= Self.tagByteCount else { throw .authenticationFailed }
        let plainCount = ciphertext.count - Self.tagByteCount
        guard buffer.count >= plainCount, let base = buffer.baseAddress else {
            throw .invalidLength(what: "output buffer", expected: plainCount, actual: buffer.count)
        }
        let m = base.assumingMemoryBound(to: UInt8.self)
        var outLen: UInt64 = 0
        let rc = { (k: UnsafePointer<UInt8>) in
            switch self {
            case .xchacha20Poly1305:
                crypto_aead_xchacha20poly1305_ietf_decrypt(
                    m, &outLen, nil, ciphertext, UInt64(ciphertext.count), associatedData, UInt64(associatedData.count), nonce, k)
            case .chacha20Poly1305:
                crypto_aead_chacha20poly1305_ietf_decrypt(
                    m, &outLen, nil, ciphertext, UInt64(ciphertext.count), associatedData, UInt64(associatedData.count), nonce, k)
            }
        }(keyBytes.bindMemory(to: UInt8.self).baseAddress!)
        guard rc == 0 else {
            sodium_memzero(base, plainCount)
            throw .authenticationFailed
        }
        return plainCount
    }

    /// Decrypts into fresh secure memory: a plaintext never sits in an unzeroed heap array.
    func open(_ ciphertext: [UInt8], key: SymmetricKey, nonce: [UInt8], associatedData: [UInt8]) throws(CryptoError) -> SecureBytes {
        try requireLength("nonce", nonce, nonceByteCount)  // a wrong nonce size is named before a short ciphertext
        guard ciphertext.count >= Self.tagByteCount else { throw .authenticationFailed }
        return try SecureBytes(count: ciphertext.count - Self.tagByteCount) { (buffer) throws(CryptoError) in
            _ = try open(ciphertext, key: key, nonce: nonce, associatedData: associatedData, into: buffer)
        }
    }

    func seal(_ plaintext: [UInt8], key: SymmetricKey, nonce: [UInt8], associatedData: [UInt8]) throws(CryptoError) -> [UInt8] {
        let sealed = plaintext.withUnsafeBytes { p in
            Result { () throws(CryptoError) in try seal(p, key: key, nonce: nonce, associatedData: associatedData) }
        }
        return try sealed.get()
    }
}
