import CSodium

extension BoxSecretKey {
    /// A 256-bit subkey for another purpose, so the X25519 secret itself is never used as a MAC
    /// key: keyed BLAKE2b-256 (`crypto_generichash`, key = the 32 secret bytes) over `domain`.
    /// Different domain strings give independent keys; the result lives in secure memory.
    public func derivedSubkey(domain: String) throws(CryptoError) -> SymmetricKey {
        SymmetricKey(try withUnsafeSecretBytes { (k) throws(CryptoError) in try KeyedDerivation.derive(key: k, domain: domain) })
    }
}

/// Keyed BLAKE2b-256 of a domain string into secure memory: the one derivation of a purpose
/// key from a secret key.
enum KeyedDerivation {
    static func derive(key: UnsafeRawBufferPointer, domain: String) throws(CryptoError) -> SecureBytes {
        let message = Array(domain.utf8)
        precondition(!message.isEmpty, "a derived key needs a domain string")
        return try SecureBytes(count: 32) { buffer in
            let rc = crypto_generichash(buffer.bindMemory(to: UInt8.self).baseAddress!, 32, message, UInt64(message.count),
                                        key.bindMemory(to: UInt8.self).baseAddress!, key.count)
            precondition(rc == 0, "crypto_generichash failed")
        }
    }
}
