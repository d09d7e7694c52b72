/// XChaCha20-Poly1305 (IETF), `crypto_aead_xchacha20poly1305_ietf_*`: every field and bundle
/// payload. Output: ciphertext ‖ 16-byte tag.
public enum XChaCha20Poly1305 {
    public static let nonceByteCount = 24
    public static let tagByteCount = AEADConstruction.tagByteCount

    public static func randomNonce() -> [UInt8] { Random.bytes(nonceByteCount) }

    public static func seal(_ plaintext: [UInt8], key: SymmetricKey, nonce: [UInt8], associatedData: [UInt8]) throws(CryptoError) -> [UInt8] {
        try AEADConstruction.xchacha20Poly1305.seal(plaintext, key: key, nonce: nonce, associatedData: associatedData)
    }

    /// Seals bytes read straight from secure memory, so a secret plaintext is never copied into an ordinary array.
    public static func seal(bytes plaintext: UnsafeRawBufferPointer, key: SymmetricKey, nonce: [UInt8], associatedData: [UInt8]) throws(CryptoError) -> [UInt8] {
        try AEADConstruction.xchacha20Poly1305.seal(plaintext, key: key, nonce: nonce, associatedData: associatedData)
    }

    public static func seal(_ plaintext: SecureBytes, key: SymmetricKey, nonce: [UInt8], associatedData: [UInt8]) throws(CryptoError) -> [UInt8] {
        try plaintext.withUnsafeBytes { p throws(CryptoError) in try seal(bytes: p, key: key, nonce: nonce, associatedData: associatedData) }
    }

    /// Decrypts into secure memory: a case's plaintext never sits in an unzeroed heap array.
    public static func open(_ ciphertext: [UInt8], key: SymmetricKey, nonce: [UInt8], associatedData: [UInt8]) throws(CryptoError) -> SecureBytes {
        try AEADConstruction.xchacha20Poly1305.open(ciphertext, key: key, nonce: nonce, associatedData: associatedData)
    }

    /// Decrypts into caller-provided secure memory (one `SecureBytes` arena for many fields:
    /// each `sodium_malloc` costs an mmap with guard pages). Returns the plaintext length.
    public static func open(_ ciphertext: [UInt8], key: SymmetricKey, nonce: [UInt8], associatedData: [UInt8],
                            into buffer: UnsafeMutableRawBufferPointer) throws(CryptoError) -> Int {
        try AEADConstruction.xchacha20Poly1305.open(ciphertext, key: key, nonce: nonce, associatedData: associatedData, into: buffer)
    }
}
