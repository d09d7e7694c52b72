import CSodium

extension BoxSecretKey {
    /// A 256-bit subkey for another purpose, so the X25519 secret itself is never used as a MAC
    /// key: keyed BLAKE2b-256 (`crypto_generichash`, key = the 32 secret bytes) over `domain`.
    /// Different domain strings give independent keys; the result lives in secure memory.
    public func derivedSubkey(domain: String) throws(CryptoError) -> SymmetricKey {
        let message = Array(domain.utf8)
        precondition(!message.isEmpty, "a subkey needs a domain string")
        let out = try SecureBytes(count: SymmetricKey.byteCount) { buffer in
            let rc = withUnsafeSecretBytes { k in
                crypto_generichash(buffer.bindMemory(to: UInt8.self).baseAddress!, SymmetricKey.byteCount, message, UInt64(message.count),
                                   k.bindMemory(to: UInt8.self).baseAddress!, k.count)
            }
            precondition(rc == 0, "crypto_generichash failed")
        }
        return SymmetricKey(out)
    }
}
