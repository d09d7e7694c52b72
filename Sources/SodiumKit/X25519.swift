import CSodium

/// An X25519 public key: a recipient of sealed boxes (`crypto_box_*`).
public struct BoxPublicKey: Hashable, Sendable, CustomStringConvertible {
    public static let byteCount = 32
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) throws(CryptoError) {
        try requireLength("X25519 public key", bytes, Self.byteCount)
        self.bytes = bytes
    }

    public var description: String { "BoxPublicKey(\(Hex.encode(bytes)))" }
}

/// An X25519 secret key. Zeroed when released; never printed.
public struct BoxSecretKey: Sendable, CustomStringConvertible {
    public static let byteCount = 32
    let secret: SecureBytes
    public let publicKey: BoxPublicKey

    /// A fresh keypair (`crypto_box_keypair`).
    public static func generate() throws(CryptoError) -> BoxSecretKey {
        var pk = [UInt8](repeating: 0, count: BoxPublicKey.byteCount)
        let sk = try SecureBytes(count: byteCount) { buffer in
            _ = crypto_box_keypair(&pk, buffer.bindMemory(to: UInt8.self).baseAddress!)
        }
        return BoxSecretKey(secret: sk, publicKey: try BoxPublicKey(bytes: pk))
    }

    /// Restores a keypair from its 32 secret bytes; the public half is recomputed.
    public init(secret: SecureBytes) throws(CryptoError) {
        guard secret.count == Self.byteCount else {
            throw .invalidLength(what: "X25519 secret key", expected: Self.byteCount, actual: secret.count)
        }
        var pk = [UInt8](repeating: 0, count: BoxPublicKey.byteCount)
        secret.withUnsafeBytes { s in _ = crypto_scalarmult_base(&pk, s.bindMemory(to: UInt8.self).baseAddress!) }
        self.secret = secret
        self.publicKey = try BoxPublicKey(bytes: pk)
    }

    private init(secret: SecureBytes, publicKey: BoxPublicKey) {
        self.secret = secret
        self.publicKey = publicKey
    }

    public func withUnsafeSecretBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try secret.withUnsafeBytes(body)
    }

    public var description: String { "BoxSecretKey(public: \(Hex.encode(publicKey.bytes)), secret: <redacted>)" }
}

/// Raw X25519 (`crypto_scalarmult`). Rejects an all-zero shared secret (low-order points).
public enum X25519 {
    public static func sharedSecret(secretKey: BoxSecretKey, publicKey: [UInt8]) throws(CryptoError) -> SecureBytes {
        try Sodium.ready()
        try requireLength("X25519 public key", publicKey, BoxPublicKey.byteCount)
        return try SecureBytes(count: 32) { (out) throws(CryptoError) in
            let rc = secretKey.withUnsafeSecretBytes { s in
                crypto_scalarmult(out.bindMemory(to: UInt8.self).baseAddress!, s.bindMemory(to: UInt8.self).baseAddress!, publicKey)
            }
            guard rc == 0 else { throw .invalidPublicKey }
        }
    }
}
