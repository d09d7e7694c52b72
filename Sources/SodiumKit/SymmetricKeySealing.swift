extension SealedBox {
    /// Seals a symmetric key to a recipient without exposing its bytes to the caller.
    public static func seal(_ key: SymmetricKey, to recipient: BoxPublicKey) throws(CryptoError) -> [UInt8] {
        try seal(key.secret, to: recipient)
    }
}
