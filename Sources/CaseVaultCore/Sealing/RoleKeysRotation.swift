import AccessPolicy
import SodiumKit

/// What `RoleKeys.ensureCurrent` did, one log entry each.
package struct RoleKeyChange: Sendable, Equatable {
    enum Kind: Sendable { case rotate, wrap }
    let kind: Kind
    let keyName: String
    let epoch: UInt64
    /// The member a wrap was sealed to (nil for a rotation).
    let holder: String?

    var action: LogAction { kind == .rotate ? .keysRotate : .keysWrap }
    var detail: [String: String] {
        var d = ["key": keyName, "epoch": String(epoch)]
        if let holder { d["holder"] = holder }
        return d
    }
}

extension RoleKeys {
    /// Brings every role key in line with the roster and policy in `state` (the centre root's
    /// work, inside the caller's transaction): a role that is centre-wide without a key gets epoch
    /// 1; a role with a removed holder, or whose centre-wide scope changed, gets a new epoch
    /// (fresh seed sealed to the remaining holders and the root, `prev` chained, signed); a
    /// holder without a wrap of the newest epoch gets the seed the root holds in escrow, sealed
    /// to them. Public-key work grows with the holders changed, never with the number of cases.
    package static func ensureCurrent(_ db: StoreTransaction, vault: Vault, state: VaultState,
                                      root: SigningSecretKey) throws(VaultError) -> [RoleKeyChange] {
        guard root.publicKey == vault.rootKey else { throw .denied("role keys need the centre root key") }
        let rootBox = try rootBoxKey(root)
        let directory = try vault.roleKeyDirectory(db)
        var changes: [RoleKeyChange] = []
        for role in Role.allCases where state.policy.centreWide.contains(role) || directory.newest(role) != nil {
            let newest = directory.newest(role)
            let holders = state.roster.members.filter { $0.revoked == nil && $0.roles.contains(role) }
            if newest == nil || RoleKeyDirectory.outdated(newest!, state: state) != nil {
                // A role that left centre-wide scope gets no first epoch; one that had keys is rotated away from its old holders.
                guard newest != nil || state.policy.centreWide.contains(role) else { continue }
                let previous = try newest.map { r throws(VaultError) in (r, try escrowedSeed(db, record: r, rootBox: rootBox)) }
                try rotate(db, vault: vault, state: state, role: role, previous: previous, holders: holders, root: root, rootBox: rootBox)
                changes.append(RoleKeyChange(kind: .rotate, keyName: keyName(role), epoch: (newest?.epoch ?? 0) + 1, holder: nil))
                continue
            }
            guard let newest, state.policy.centreWide.contains(role) else { continue }
            let have: Set<String>
            do { have = try db.seedWrapHolders(key: newest.keyName, epoch: newest.epoch) } catch { throw .io("cannot read seed wraps", cause: error) }
            let missing = holders.filter { !have.contains($0.id) }
            guard !missing.isEmpty else { continue }
            let seed = try escrowedSeed(db, record: newest, rootBox: rootBox)
            for member in missing {
                do { try db.insertSeedWrap(key: newest.keyName, epoch: newest.epoch, holder: member.id, sealed: try seal(seed, to: member.identity.boxKey)) } catch let e as VaultError {
                    throw e
                } catch { throw .io("cannot store a seed wrap", cause: error) }
                changes.append(RoleKeyChange(kind: .wrap, keyName: newest.keyName, epoch: newest.epoch, holder: member.id))
            }
        }
        return changes
    }

    /// The seed of `record`, from the root's escrow wrap, checked against the signed public key.
    private static func escrowedSeed(_ db: StoreTransaction, record: RoleKeyRecord, rootBox: BoxSecretKey) throws(VaultError) -> SecureBytes {
        let sealed: [UInt8]?
        do { sealed = try db.seedWrap(key: record.keyName, epoch: record.epoch, holder: rootHolder) } catch { throw .io("cannot read seed wraps", cause: error) }
        guard let sealed else { throw .auth("\(record.label): the root's escrow wrap is missing (tampered)") }
        let seed: SecureBytes
        do { seed = try SealedBox.open(sealed, with: rootBox) } catch { throw .auth("\(record.label): the root's escrow wrap does not open (tampered)") }
        _ = try check(seed, against: record)
        return seed
    }

    private static func rotate(_ db: StoreTransaction, vault: Vault, state: VaultState, role: Role, previous: (RoleKeyRecord, SecureBytes)?,
                               holders: [RosterEntry], root: SigningSecretKey, rootBox: BoxSecretKey) throws(VaultError) {
        let seed: SecureBytes
        do { seed = try SecureBytes.random(count: seedByteCount) } catch { throw .io("cannot draw a role seed", cause: error) }
        let epoch = (previous?.0.epoch ?? 0) + 1
        let prev = try previous.map { p throws(VaultError) in try sealPrevious(p.1, under: seed, vault: vault.vaultID, role: role, epoch: epoch) } ?? []
        let record = RoleKeyRecord(vaultID: vault.vaultID, role: role, epoch: epoch, rosterSerial: state.roster.serial,
                                   policySerial: UInt64(state.policy.serial), publicKey: try keyPair(seed).publicKey,
                                   rootBoxKey: rootBox.publicKey, prev: prev)
        do {
            try db.insertRoleKeyRecord(key: record.keyName, epoch: epoch, body: record.encoded(), signature: record.signature(by: root))
            try db.insertSeedWrap(key: record.keyName, epoch: epoch, holder: rootHolder, sealed: try seal(seed, to: rootBox.publicKey))
            for member in holders {
                try db.insertSeedWrap(key: record.keyName, epoch: epoch, holder: member.id, sealed: try seal(seed, to: member.identity.boxKey))
            }
        } catch let e as VaultError { throw e } catch { throw .io("cannot store a role key", cause: error) }
    }
}

extension Vault {
    /// Runs `RoleKeys.ensureCurrent` on the state as it now stands in `db` and logs each change.
    func ensureRoleKeys(_ db: StoreTransaction, actor: String, signer: any MessageSigner, root: SigningSecretKey) throws {
        let state = try loadState(db)
        for change in try RoleKeys.ensureCurrent(db, vault: self, state: state, root: root) {
            try appendLog(db, state: state, actor: actor, key: signer, checkpoint: true, action: change.action.rawValue,
                          caseID: nil, fields: [], detail: change.detail, reason: nil)
        }
    }
}
