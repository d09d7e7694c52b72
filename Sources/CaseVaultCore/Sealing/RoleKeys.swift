import AccessPolicy
import SodiumKit

/// Names, derivations and the seed chain of the centre-wide role keys. Only libsodium
/// constructions: `crypto_kdf_derive_from_key`, `crypto_box_seed_keypair`, sealed boxes and
/// XChaCha20-Poly1305 (docs/FORMAT.md, "Role keys").
package enum RoleKeys {
    /// The holder name of the root's escrow wrap: a member id never contains ':'.
    static let rootHolder = ":root"
    static let seedByteCount = 32

    static func keyName(_ role: Role) -> String { "role:" + role.rawValue }

    static func label(_ role: Role, epoch: UInt64) -> String { keyName(role) + "#" + String(epoch) }

    static func role(ofKeyName name: String) -> Role? {
        guard name.hasPrefix("role:") else { return nil }
        return Role(rawValue: String(name.dropFirst(5)))
    }

    /// (role, epoch) of an envelope label `role:<role>#<epoch>`; nil for a member id or another label.
    static func parseLabel(_ label: String) -> (role: Role, epoch: UInt64)? {
        guard let hash = label.lastIndex(of: "#"), let role = role(ofKeyName: String(label[..<hash])),
              let epoch = UInt64(label[label.index(after: hash)...]), epoch >= 1,
              self.label(role, epoch: epoch) == label else { return nil }
        return (role, epoch)
    }

    /// The root's X25519 key, derived from its Ed25519 seed so that no new secret is stored:
    /// `crypto_box_seed_keypair(crypto_kdf_derive_from_key(32, 1, "CVrootbx", root seed))`.
    static func rootBoxKey(_ root: SigningSecretKey) throws(VaultError) -> BoxSecretKey {
        do {
            let seed = try root.withUnsafeSeedBytes { s throws(CryptoError) in
                try KeyDerivation.derive(length: 32, id: 1, context: "CVrootbx", masterKey: s)
            }
            return try BoxSecretKey(seed: seed)
        } catch { throw .io("cannot derive the root box key", cause: error) }
    }

    /// `crypto_kdf_derive_from_key(32, 2, "CVchain1", seed)`: the key that seals the previous seed.
    static func chainKey(_ seed: SecureBytes) throws(VaultError) -> SymmetricKey {
        do { return try SymmetricKey(secret: try KeyDerivation.derive(length: 32, id: 2, context: "CVchain1", masterKey: seed)) } catch {
            throw .io("cannot derive a chain key", cause: error)
        }
    }

    static func keyPair(_ seed: SecureBytes) throws(VaultError) -> BoxSecretKey {
        do { return try BoxSecretKey(seed: seed) } catch { throw .auth("a role key seed has the wrong length (tampered)", cause: error) }
    }

    /// `prev` of epoch `epoch`: the previous seed under this epoch's chain key.
    static func sealPrevious(_ previous: SecureBytes, under seed: SecureBytes, vault: VaultID, role: Role, epoch: UInt64) throws(VaultError) -> [UInt8] {
        let nonce = XChaCha20Poly1305.randomNonce()
        let ad = RoleKeyRecord.chainAssociatedData(vault: vault, keyName: keyName(role), epoch: epoch)
        do { return nonce + (try XChaCha20Poly1305.seal(previous, key: try chainKey(seed), nonce: nonce, associatedData: ad)) } catch {
            throw .io("cannot chain the previous role seed", cause: error)
        }
    }

    /// The seed of epoch `record.epoch − 1`, from `record.prev` and the seed of `record`.
    static func openPrevious(_ record: RoleKeyRecord, seed: SecureBytes) throws(VaultError) -> SecureBytes {
        guard record.prev.count == XChaCha20Poly1305.nonceByteCount + seedByteCount + XChaCha20Poly1305.tagByteCount else {
            throw .auth("\(record.label): the chain to the previous epoch is malformed (tampered)")
        }
        let ad = RoleKeyRecord.chainAssociatedData(vault: record.vaultID, keyName: record.keyName, epoch: record.epoch)
        do {
            return try XChaCha20Poly1305.open(Array(record.prev.dropFirst(24)), key: try chainKey(seed), nonce: Array(record.prev.prefix(24)),
                                              associatedData: ad)
        } catch { throw .auth("\(record.label): the chain to the previous epoch does not open (tampered)", cause: error) }
    }

    /// Whether `seed` is the seed of `record`: it must derive the signed public key. This is what
    /// makes a wrap trustworthy without a signature of its own.
    static func check(_ seed: SecureBytes, against record: RoleKeyRecord) throws(VaultError) -> BoxSecretKey {
        let pair = try keyPair(seed)
        guard pair.publicKey == record.publicKey else { throw .auth("\(record.label): a seed does not match the signed public key (tampered)") }
        return pair
    }

    static func seal(_ seed: SecureBytes, to key: BoxPublicKey) throws(VaultError) -> [UInt8] {
        do { return try SealedBox.seal(seed, to: key) } catch { throw .io("cannot seal a role seed", cause: error) }
    }
}
