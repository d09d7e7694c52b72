import CSodium

extension BoxSecretKey {
    /// The X25519 key pair of a 32-byte secret seed (`crypto_box_seed_keypair`): whoever holds
    /// the seed holds the pair, so an escrowed seed is all a recovery needs to carry.
    public init(seed: SecureBytes) throws(CryptoError) {
        guard seed.count == Self.byteCount else { throw .invalidLength(what: "X25519 seed", expected: Self.byteCount, actual: seed.count) }
        var pk = [UInt8](repeating: 0, count: BoxPublicKey.byteCount)
        let sk = try SecureBytes(count: Self.byteCount) { (out) throws(CryptoError) in
            let rc = seed.withUnsafeBytes { s in
                crypto_box_seed_keypair(&pk, out.bindMemory(to: UInt8.self).baseAddress!, s.bindMemory(to: UInt8.self).baseAddress!)
            }
            guard rc == 0 else { throw .invalidPublicKey }
        }
        try self.init(secret: sk)
        guard publicKey.bytes == pk else { throw .invalidPublicKey }
    }
}

extension SigningSecretKey {
    /// An X25519 key pair bound to this Ed25519 key: the seed is keyed BLAKE2b-256 (key = the
    /// 32-byte Ed25519 seed) over `domain`, then `crypto_box_seed_keypair`. Lets a signing-only
    /// key (the centre root) also open sealed boxes without a second secret to keep.
    public func derivedBoxKey(domain: String) throws(CryptoError) -> BoxSecretKey {
        try BoxSecretKey(seed: try withUnsafeSeedBytes { (k) throws(CryptoError) in try KeyedDerivation.derive(key: k, domain: domain) })
    }
}
