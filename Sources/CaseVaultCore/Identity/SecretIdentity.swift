import SodiumKit

/// A person's secret keys, loaded from their key file. Zeroed when released; never printed.
public struct SecretIdentity: Sendable, CustomStringConvertible {
    public let boxKey: BoxSecretKey
    public let signingKey: SigningSecretKey
    /// The centre root signing key, held only by the leader who created the vault.
    public let centreRootKey: SigningSecretKey?

    public init(boxKey: BoxSecretKey, signingKey: SigningSecretKey, centreRootKey: SigningSecretKey? = nil) {
        self.boxKey = boxKey
        self.signingKey = signingKey
        self.centreRootKey = centreRootKey
    }

    public static func generate(withCentreRoot: Bool = false) throws(VaultError) -> SecretIdentity {
        do {
            return SecretIdentity(
                boxKey: try .generate(), signingKey: try .generate(),
                centreRootKey: withCentreRoot ? try .generate() : nil)
        } catch { throw .io("key generation failed: \(error)") }
    }

    public var publicIdentity: PublicIdentity { PublicIdentity(boxKey: boxKey.publicKey, signingKey: signingKey.publicKey) }

    public var description: String { "SecretIdentity(\(publicIdentity.fingerprint), secret: <redacted>)" }
}
