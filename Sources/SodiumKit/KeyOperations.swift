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
