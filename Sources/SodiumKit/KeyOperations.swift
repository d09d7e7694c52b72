/// Makes Ed25519 signatures: a secret key in this process, or a key agent that holds one and
/// answers over a socket (which is why signing may fail).
public protocol MessageSigner: Sendable {
    var publicKey: SigningPublicKey { get }
    func signature(for message: [UInt8]) throws -> [UInt8]
}

extension SigningSecretKey: MessageSigner {}

/// Opens sealed boxes addressed to one X25519 key: the secret key in this process, or a key agent.
public protocol SealedBoxOpener: Sendable {
    var publicKey: BoxPublicKey { get }
    func openSealedBox(_ sealed: [UInt8]) throws -> SecureBytes
    /// Opens several boxes at once (a key agent answers them in one round trip); nil for a box
    /// that does not open. Any other failure (the agent gone) is thrown.
    func openSealedBoxes(_ sealed: [[UInt8]]) throws -> [SecureBytes?]
}

extension SealedBoxOpener {
    public func openSealedBoxes(_ sealed: [[UInt8]]) throws -> [SecureBytes?] {
        try sealed.map { box in
            do { return try openSealedBox(box) } catch CryptoError.authenticationFailed { return nil }
        }
    }
}

extension BoxSecretKey: SealedBoxOpener {
    public func openSealedBox(_ sealed: [UInt8]) throws -> SecureBytes { try SealedBox.open(sealed, with: self) }
}

/// A ciphertext made under a sealed key (XChaCha20-Poly1305): shown with the sealed key so that
/// a key agent can tell a message key, which it hands out, from a long-lived secret, which it never does.
public struct SealedKeyProof: Sendable {
    public var nonce: [UInt8]
    public var ciphertext: [UInt8]
    public var associatedData: [UInt8]
    public init(nonce: [UInt8], ciphertext: [UInt8], associatedData: [UInt8]) {
        self.nonce = nonce
        self.ciphertext = ciphertext
        self.associatedData = associatedData
    }
}

/// Keys that hand out a sealed message key only with its proof (a key agent).
public protocol ProvenKeyOpener: Sendable {
    func openSealedKey(_ sealed: [UInt8], provenBy proof: SealedKeyProof) throws -> SecureBytes
}

extension SealedBoxOpener {
    /// The key in `sealed`: a key agent first checks that `proof` decrypts under it.
    public func openSealedKey(_ sealed: [UInt8], provenBy proof: SealedKeyProof) throws -> SecureBytes {
        if let proven = self as? any ProvenKeyOpener { return try proven.openSealedKey(sealed, provenBy: proof) }
        return try openSealedBox(sealed)
    }
}
