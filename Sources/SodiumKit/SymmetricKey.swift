import CSodium

/// A 256-bit secret key for XChaCha20-Poly1305 (and keyed BLAKE2b). Zeroed when released.
public struct SymmetricKey: Sendable, CustomStringConvertible {
    public static let byteCount = 32
    let secret: SecureBytes

    /// A fresh random key (`crypto_aead_xchacha20poly1305_ietf_keygen`).
    public static func generate() throws(CryptoError) -> SymmetricKey {
        let s = try SecureBytes(count: byteCount) { buffer in
            crypto_aead_xchacha20poly1305_ietf_keygen(buffer.bindMemory(to: UInt8.self).baseAddress!)
        }
        return SymmetricKey(s)
    }

    public init(secret: SecureBytes) throws(CryptoError) {
        guard secret.count == Self.byteCount else {
            throw .invalidLength(what: "symmetric key", expected: Self.byteCount, actual: secret.count)
        }
        self.secret = secret
    }

    private init(secret: SecureBytes, unchecked: Void = ()) { self.secret = secret }

    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try secret.withUnsafeBytes(body)
    }

    public var description: String { "SymmetricKey(<redacted>)" }
}

extension SymmetricKey {
    init(_ secret: SecureBytes) { self.init(secret: secret, unchecked: ()) }
}
