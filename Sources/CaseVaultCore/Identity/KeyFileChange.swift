import SodiumKit

/// Changes to a key file in place: a new passphrase, or the centre root moved out of a version 1
/// file. The old file is replaced by an atomic rename of a complete new one, so a crash leaves
/// either the old file or the new one, never neither and never half of one.
public enum KeyFileChange {
    /// Re-protects the key file at `path` (a member's or the centre root's) under `newPassphrase`,
    /// with fresh salt and nonce. A version 1 member file becomes version 2.
    public static func changePassphrase(at path: String, old: SecureBytes, new: SecureBytes) throws(VaultError) {
        try PassphraseStrength.require(new)
        let bytes = try SecureFile.readPrivate(path, what: "key file")
        let rewritten: [UInt8]
        if (try? KeyFile.publicIdentity(of: bytes)) != nil {
            rewritten = try KeyFile.encode(try KeyFile.decode(bytes, passphrase: old), passphrase: new)
        } else {
            rewritten = try KeyFile.encodeRoot(try KeyFile.decodeRoot(bytes, passphrase: old), passphrase: new)
        }
        try SecureFile.replaceAtomically(path, rewritten)
    }

    /// Moves the centre root key out of a version 1 key file: the root goes to a new file at
    /// `rootOut` (under `rootPassphrase`), then the member's file is replaced by one without it.
    /// Returns the root's fingerprint.
    @discardableResult
    public static func splitRoot(at path: String, passphrase: SecureBytes, rootOut: String, rootPassphrase: SecureBytes) throws(VaultError) -> String {
        try PassphraseStrength.require(rootPassphrase)
        let bytes = try SecureFile.readPrivate(path, what: "key file")
        let (member, root) = try KeyFile.decodeCombined(bytes, passphrase: passphrase)
        guard let root else { throw .input("\(path) holds no centre root key; nothing to split") }
        try RootKeyFile.write(root, to: rootOut, passphrase: rootPassphrase)
        // Written before the member file changes: a crash in between leaves the root in both, never in neither.
        try SecureFile.replaceAtomically(path, try KeyFile.encode(member, passphrase: passphrase))
        return Fingerprint.root(root.publicKey)
    }
}
