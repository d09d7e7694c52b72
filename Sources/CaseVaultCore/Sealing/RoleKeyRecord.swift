import AccessPolicy
import SodiumKit

/// The public half of one centre-wide role's key for one epoch, signed by the centre root
/// (docs/FORMAT.md, "Role keys"). Whoever holds the epoch's 32-byte seed holds its X25519 key
/// pair; `prev` carries the previous epoch's seed under a key derived from this epoch's seed,
/// so the holder of the newest seed reads every older epoch (Keybase's per-team-key chain).
package struct RoleKeyRecord: Sendable, Equatable {
    static let magic = Array("CVKR\u{1}".utf8)
    static let signatureDomain = Array("casevault/v2/role-key-record\0".utf8)
    static let chainDomain = Array("casevault/v2/role-key-chain\0".utf8)

    var vaultID: VaultID
    var role: Role
    var epoch: UInt64
    /// The roster and policy in force when the epoch began: a reader checks that no holder was
    /// removed, and no policy took the role out of centre-wide scope, after them.
    var rosterSerial: UInt64
    var policySerial: UInt64
    var publicKey: BoxPublicKey
    /// The centre root's X25519 key, which holds every epoch's seed in escrow: published here,
    /// under the root's signature, so anyone can check whom the seed was sealed to.
    var rootBoxKey: BoxPublicKey
    /// Epoch 1: empty. Otherwise nonce (24) ‖ XChaCha20-Poly1305(chain key, seed of epoch − 1).
    var prev: [UInt8]

    /// `role:<role>`: the key's name in records, wraps and log entries.
    var keyName: String { RoleKeys.keyName(role) }
    /// `role:<role>#<epoch>`: the recipient label of envelopes sealed to this key.
    var label: String { RoleKeys.label(role, epoch: epoch) }

    func encoded() -> [UInt8] {
        var w = ByteWriter(reservingCapacity: 200)
        w.raw(Self.magic)
        w.raw(vaultID.bytes)
        w.string(keyName)
        w.u64(epoch)
        w.u64(rosterSerial)
        w.u64(policySerial)
        w.raw(publicKey.bytes)
        w.raw(rootBoxKey.bytes)
        w.data(prev)
        return w.bytes
    }

    static func decode(_ bytes: [UInt8]) throws(VaultError) -> RoleKeyRecord {
        var r = ByteReader(bytes)
        do {
            let magic = try r.raw(5)
            guard magic == Self.magic else {
                if magic.prefix(4) == Self.magic.prefix(4) { throw VaultError.format("role key record format \(magic[4]) is not supported") }
                throw VaultError.format("not a CaseVault role key record")
            }
            let vault = VaultID(unchecked: try r.raw(16))
            let name = try r.string(max: 64)
            guard let role = RoleKeys.role(ofKeyName: name) else { throw VaultError.format("role key record names unknown key \(name)") }
            let epoch = try r.u64(), rosterSerial = try r.u64(), policySerial = try r.u64()
            let pk = try BoxPublicKey(bytes: try r.raw(32)), rootBox = try BoxPublicKey(bytes: try r.raw(32))
            let prev = try r.data(max: 256)
            try r.expectEnd()
            guard epoch >= 1, (epoch == 1) == prev.isEmpty else { throw VaultError.format("role key record has a malformed epoch or chain") }
            return RoleKeyRecord(vaultID: vault, role: role, epoch: epoch, rosterSerial: rosterSerial, policySerial: policySerial,
                                 publicKey: pk, rootBoxKey: rootBox, prev: prev)
        } catch let e as VaultError { throw e } catch { throw .format("role key record is malformed") }
    }

    func signature(by root: SigningSecretKey) -> [UInt8] { root.signature(for: Self.signatureDomain + encoded()) }

    /// Decodes a stored record and checks the root's signature, the vault, and the row it sits in.
    static func verified(_ stored: StoredRoleKeyRecord, vault: VaultID, root: SigningPublicKey) throws(VaultError) -> RoleKeyRecord {
        let name = "role key \(stored.keyName) epoch \(stored.epoch)"
        do { try root.verify(stored.signature, for: signatureDomain + stored.body) } catch {
            throw .auth("\(name) is not signed by the centre root key (tampered)")
        }
        let record = try decode(stored.body)
        guard record.vaultID == vault, record.keyName == stored.keyName, record.epoch == stored.epoch else {
            throw .auth("\(name) does not belong in this row (moved from another vault, role or epoch)")
        }
        return record
    }

    /// Associated data of `prev`: binds the chained seed to vault, role and epoch.
    static func chainAssociatedData(vault: VaultID, keyName: String, epoch: UInt64) -> [UInt8] {
        var w = ByteWriter()
        w.raw(chainDomain)
        w.raw(vault.bytes)
        w.string(keyName)
        w.u64(epoch)
        return w.bytes
    }
}

/// A stored record row, unverified.
package struct StoredRoleKeyRecord: Sendable {
    var keyName: String
    var epoch: UInt64
    var body: [UInt8]
    var signature: [UInt8]
}

/// A stored seed wrap: the seed of (key, epoch) sealed to one holder (a member, or the root).
package struct StoredSeedWrap: Sendable {
    var keyName: String
    var epoch: UInt64
    var holder: String
    var sealed: [UInt8]
}
