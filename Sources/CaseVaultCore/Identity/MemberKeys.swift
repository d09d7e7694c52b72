import SodiumKit

/// What a session needs from a member's secret keys: their public identity, signatures and
/// opening of sealed boxes. A key file read with its passphrase does these in this process; a
/// key agent does them in its own and never hands a secret key out.
public protocol MemberKeys: Sendable {
    var publicIdentity: PublicIdentity { get }
    var signer: any MessageSigner { get }
    var boxOpener: any SealedBoxOpener { get }
    /// The centre root key, when these keys carry it. A key agent never holds it.
    var centreRootKey: SigningSecretKey? { get }
    /// A key for one named purpose derived from the box secret key (keyed BLAKE2b over
    /// `domain`), so the secret itself never serves as a MAC key. The agent derives only the
    /// purposes it knows.
    func derivedSubkey(domain: String) throws(VaultError) -> SymmetricKey
}

extension SecretIdentity: MemberKeys {
    public var signer: any MessageSigner { signingKey }
    public var boxOpener: any SealedBoxOpener { boxKey }
    public func derivedSubkey(domain: String) throws(VaultError) -> SymmetricKey {
        do { return try boxKey.derivedSubkey(domain: domain) } catch { throw .io("cannot derive a subkey", cause: error) }
    }
}
