/// Errors thrown by SodiumKit. Messages name the failure, never any key or plaintext.
public enum CryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// libsodium could not be initialised.
    case initialisationFailed
    /// A key, nonce or other input had the wrong length.
    case invalidLength(what: String, expected: Int, actual: Int)
    /// Encryption failed (libsodium refused the message, e.g. for its length).
    case encryptionFailed
    /// Decryption failed: wrong key, or the data was changed. The two are deliberately not told apart.
    case authenticationFailed
    /// A signature did not verify under the given public key.
    case invalidSignature
    /// A public key or point was rejected (for example a low-order X25519 point).
    case invalidPublicKey
    /// Password hashing failed, usually for lack of memory.
    case passwordHashingFailed
    /// Secure memory could not be allocated.
    case outOfSecureMemory

    public var description: String {
        switch self {
        case .initialisationFailed: "libsodium could not be initialised"
        case let .invalidLength(what, expected, actual): "\(what) must be \(expected) bytes, got \(actual)"
        case .encryptionFailed: "encryption failed"
        case .authenticationFailed: "decryption failed: wrong key or tampered data"
        case .invalidSignature: "signature does not verify"
        case .invalidPublicKey: "public key rejected"
        case .passwordHashingFailed: "password hashing failed (out of memory?)"
        case .outOfSecureMemory: "secure memory could not be allocated"
        }
    }
}

@inline(__always)
func requireLength(_ what: String, _ bytes: some Collection<UInt8>, _ expected: Int) throws(CryptoError) {
    guard bytes.count == expected else {
        throw .invalidLength(what: what, expected: expected, actual: bytes.count)
    }
}
