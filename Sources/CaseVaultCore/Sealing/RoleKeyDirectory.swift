import AccessPolicy
import SodiumKit

/// Every role key record of a vault, each verified against the centre root, with the rule that
/// says whether a role's newest epoch is still current: no holder of the role was removed from
/// the roster, and the policy did not move the role in or out of centre-wide scope, after the
/// roster and policy the epoch was made for. A newest record older than that was rolled back
/// (or a rotation is missing), and nothing is sealed to it.
package struct RoleKeyDirectory: Sendable {
    /// Records by role, epochs 1…n in order.
    let records: [Role: [RoleKeyRecord]]

    static let empty = RoleKeyDirectory(records: [:])

    init(records: [Role: [RoleKeyRecord]]) { self.records = records }

    /// Loads and verifies every record; a gap in a role's epochs is damage.
    init(stored: [StoredRoleKeyRecord], vault: VaultID, root: SigningPublicKey) throws(VaultError) {
        var byRole: [Role: [RoleKeyRecord]] = [:]
        for row in stored {
            let record = try RoleKeyRecord.verified(row, vault: vault, root: root)
            guard UInt64(byRole[record.role, default: []].count) + 1 == record.epoch else {
                throw .auth("role key \(record.keyName) epoch \(record.epoch) does not follow the epoch before it (a record is missing)")
            }
            byRole[record.role, default: []].append(record)
        }
        records = byRole
    }

    func newest(_ role: Role) -> RoleKeyRecord? { records[role]?.last }

    func record(_ role: Role, epoch: UInt64) -> RoleKeyRecord? {
        guard let list = records[role], epoch >= 1, epoch <= UInt64(list.count) else { return nil }
        return list[Int(epoch - 1)]
    }

    /// The record to seal to for `role`: nil when the role has no key yet (a vault from before
    /// role keys: its members get envelopes of their own); refused when the newest epoch is out of date.
    func current(_ role: Role, state: VaultState) throws(VaultError) -> RoleKeyRecord? {
        guard let newest = newest(role) else { return nil }
        if let reason = Self.outdated(newest, state: state) {
            throw .auth("role key \(newest.keyName) epoch \(newest.epoch) is out of date: \(reason) (a record was deleted or rolled back)")
        }
        return newest
    }

    /// Why `record` is no longer the epoch to use, or nil when it is.
    static func outdated(_ record: RoleKeyRecord, state: VaultState) -> String? {
        let role = record.role
        let rosters = state.rosters.map(\.roster)
        for i in rosters.indices.dropFirst() where rosters[i].serial > record.rosterSerial {
            let before = holders(of: role, in: rosters[i - 1]), after = holders(of: role, in: rosters[i])
            if !before.isSubset(of: after) { return "roster \(rosters[i].serial) removed a holder of \(role.rawValue)" }
        }
        let serials = state.policies.keys.sorted()
        for (a, b) in zip(serials, serials.dropFirst()) where UInt64(b) > record.policySerial {
            if state.policies[a]!.centreWide.contains(role) != state.policies[b]!.centreWide.contains(role) {
                return "policy \(b) changed whether \(role.rawValue) is centre-wide"
            }
        }
        return nil
    }

    /// Active members holding `role` (by id and identity: a replaced key is a removal too).
    static func holders(of role: Role, in roster: Roster) -> Set<String> {
        Set(roster.entries.filter { $0.kind == .member && $0.revoked == nil && $0.roles.contains(role) }
            .map { $0.id + " " + Base64.encode($0.identity.boxKey.bytes) })
    }
}

extension Vault {
    func roleKeyDirectory(_ db: StoreTransaction) throws(VaultError) -> RoleKeyDirectory {
        let stored: [StoredRoleKeyRecord]
        do { stored = try db.roleKeyRecords() } catch let e as VaultError { throw e } catch { throw .io("cannot read the role keys", cause: error) }
        return try RoleKeyDirectory(stored: stored, vault: vaultID, root: rootKey)
    }
}
