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
}

extension SecretIdentity: MemberKeys {
    public var signer: any MessageSigner { signingKey }
    public var boxOpener: any SealedBoxOpener { boxKey }
}
