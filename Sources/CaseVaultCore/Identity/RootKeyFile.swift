import SodiumKit

/// The centre root key in a key file of its own (`KeyFile` kind 2), meant to be kept offline and
/// unlocked only for what the root signs: rosters, policies, re-anchors, migrations.
public enum RootKeyFile {
    /// Writes a new root key file: refuses Keys/ folders, creates with O_EXCL and mode 0600.
    public static func write(_ root: SigningSecretKey, to path: String, passphrase: SecureBytes) throws(VaultError) {
        try SecureFile.refuseKeysFolder(path)
        try SecureFile.createExclusive(path, try KeyFile.encodeRoot(root, passphrase: passphrase))
    }

    public static func load(from path: String, passphrase: SecureBytes) throws(VaultError) -> SigningSecretKey {
        try KeyFile.decodeRoot(try SecureFile.readPrivate(path, what: "centre root key file"), passphrase: passphrase)
    }
}

/// Member keys with the centre root key beside them for one command: the root is never stored
/// with the member's keys, only joined to them in memory.
struct CentreRootAttached: MemberKeys {
    let base: any MemberKeys
    let root: SigningSecretKey

    var publicIdentity: PublicIdentity { base.publicIdentity }
    var signer: any MessageSigner { base.signer }
    var boxOpener: any SealedBoxOpener { base.boxOpener }
    var centreRootKey: SigningSecretKey? { root }
    func derivedSubkey(domain: String) throws(VaultError) -> SymmetricKey { try base.derivedSubkey(domain: domain) }
}

extension Session {
    /// This session with the centre root key joined to the member's keys, for one command that
    /// the root signs. A key that is not this vault's root is refused.
    public func holdingCentreRoot(_ root: SigningSecretKey, for command: String = "root-key") throws(VaultError) -> Session {
        guard root.publicKey == vault.rootKey else {
            let error = VaultError.denied("this is not the centre root key of this vault (its fingerprint is \(Fingerprint.root(root.publicKey)); the vault's is \(vault.rootFingerprint))")
            // Presenting another root key is an attempt on what only the root signs: logged.
            recordRefusal(command: command, caseID: nil, error: error)
            throw error
        }
        return Session(vault: vault, member: member, identity: CentreRootAttached(base: identity, root: root), clock: clock, anchor: anchor)
    }
}
