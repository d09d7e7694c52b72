import CSodium

/// An Ed25519 public key (`crypto_sign_*`).
public struct SigningPublicKey: Hashable, Sendable, CustomStringConvertible {
    public static let byteCount = 32
    public static let signatureByteCount = 64
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) throws(CryptoError) {
        try requireLength("Ed25519 public key", bytes, Self.byteCount)
        self.bytes = bytes
    }

    /// Verifies a detached signature (`crypto_sign_verify_detached`). Throws, never returns false.
    public func verify(_ signature: [UInt8], for message: [UInt8]) throws(CryptoError) {
        try Sodium.ready()
        guard signature.count == Self.signatureByteCount else { throw .invalidSignature }
        guard crypto_sign_verify_detached(signature, message, UInt64(message.count), bytes) == 0 else {
            throw .invalidSignature
        }
    }

    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        (try? verify(signature, for: message)) != nil
    }

    public var description: String { "SigningPublicKey(\(Hex.encode(bytes)))" }
}

/// An Ed25519 secret key, kept as its 32-byte seed plus the 64-byte libsodium form. Zeroed when released.
public struct SigningSecretKey: Sendable, CustomStringConvertible {
    public static let seedByteCount = 32
    let seed: SecureBytes
    let expanded: SecureBytes
    public let publicKey: SigningPublicKey

    public static func generate() throws(CryptoError) -> SigningSecretKey {
        try SigningSecretKey(seed: try SecureBytes.random(count: seedByteCount))
    }

    /// Restores a key from its seed (`crypto_sign_seed_keypair`).
    public init(seed: SecureBytes) throws(CryptoError) {
        guard seed.count == Self.seedByteCount else {
            throw .invalidLength(what: "Ed25519 seed", expected: Self.seedByteCount, actual: seed.count)
        }
        var pk = [UInt8](repeating: 0, count: SigningPublicKey.byteCount)
        expanded = try SecureBytes(count: 64) { sk in
            seed.withUnsafeBytes { s in
                _ = crypto_sign_seed_keypair(&pk, sk.bindMemory(to: UInt8.self).baseAddress!, s.bindMemory(to: UInt8.self).baseAddress!)
            }
        }
        self.seed = seed
        publicKey = try SigningPublicKey(bytes: pk)
    }

    /// A detached signature (`crypto_sign_detached`).
    public func signature(for message: [UInt8]) -> [UInt8] {
        var sig = [UInt8](repeating: 0, count: SigningPublicKey.signatureByteCount)
        expanded.withUnsafeBytes { sk in
            _ = crypto_sign_detached(&sig, nil, message, UInt64(message.count), sk.bindMemory(to: UInt8.self).baseAddress!)
        }
        return sig
    }

    public func withUnsafeSeedBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try seed.withUnsafeBytes(body)
    }

    public var description: String { "SigningSecretKey(public: \(Hex.encode(publicKey.bytes)), secret: <redacted>)" }
}
