/// ChaCha20-Poly1305 (IETF, 96-bit nonce). Present for the Wycheproof conformance suite only.
public enum ChaCha20Poly1305 {
    public static let nonceByteCount = 12

    public static func seal(_ plaintext: [UInt8], key: SymmetricKey, nonce: [UInt8], associatedData: [UInt8]) throws(CryptoError) -> [UInt8] {
        try AEADConstruction.chacha20Poly1305.seal(plaintext, key: key, nonce: nonce, associatedData: associatedData)
    }

    public static func open(_ ciphertext: [UInt8], key: SymmetricKey, nonce: [UInt8], associatedData: [UInt8]) throws(CryptoError) -> SecureBytes {
        try AEADConstruction.chacha20Poly1305.open(ciphertext, key: key, nonce: nonce, associatedData: associatedData)
    }
}
