import CSodium

/// Anonymous public-key encryption to one recipient (`crypto_box_seal`): 48 bytes of overhead.
public enum SealedBox {
    public static let overhead = 48

    public static func seal(_ secret: SecureBytes, to recipient: BoxPublicKey) throws(CryptoError) -> [UInt8] {
        try Sodium.ready()
        var out = [UInt8](repeating: 0, count: secret.count + overhead)
        let rc = secret.withUnsafeBytes { m in
            crypto_box_seal(&out, m.bindMemory(to: UInt8.self).baseAddress!, UInt64(m.count), recipient.bytes)
        }
        guard rc == 0 else { throw .invalidPublicKey }
        return out
    }

    /// Seals a symmetric key to a recipient without exposing its bytes to the caller.
    public static func seal(_ key: SymmetricKey, to recipient: BoxPublicKey) throws(CryptoError) -> [UInt8] {
        try seal(key.secret, to: recipient)
    }

    /// Opens into secure memory. Wrong recipient and tampering both give `.authenticationFailed`.
    public static func open(_ sealed: [UInt8], with key: BoxSecretKey) throws(CryptoError) -> SecureBytes {
        try Sodium.ready()
        guard sealed.count >= overhead else { throw .authenticationFailed }
        return try SecureBytes(count: sealed.count - overhead) { (out) throws(CryptoError) in
            let rc = key.withUnsafeSecretBytes { s in
                crypto_box_seal_open(out.bindMemory(to: UInt8.self).baseAddress!, sealed, UInt64(sealed.count),
                                     key.publicKey.bytes, s.bindMemory(to: UInt8.self).baseAddress!)
            }
            guard rc == 0 else { throw .authenticationFailed }
        }
    }
}
