import AccessPolicy
import Foundation
import SodiumKit

/// The verified roster and policies as they stand: loaded per command, checked against the
/// centre root key before anything relies on them.
package struct VaultState: Sendable {
    let rosters: [SignedRoster]
    let policies: [Int: Policy]
    /// The latest roster and the policy with the highest serial, fixed when loaded.
    let roster: Roster
    let policy: Policy
    /// The centre-wide role keys' records, verified against the root.
    var roleKeys: RoleKeyDirectory = .empty
    /// The newest recovery and break-glass keys (verified), sealed to with every class written.
    var escrow: [EscrowRecipient] = []

    /// Nil when either history is empty: a vault without a roster or a policy is damaged.
    init?(rosters: [SignedRoster], policies: [Int: Policy]) {
        guard let latest = rosters.last, let serial = policies.keys.max(), let inForce = policies[serial] else { return nil }
        self.rosters = rosters
        self.policies = policies
        roster = latest.roster
        policy = inForce
    }
}

extension Vault {
    func loadState(_ db: StoreTransaction) throws(VaultError) -> VaultState {
        let rosterRows: [StoredRoster], policyRows: [StoredPolicy]
        do {
            rosterRows = try db.rosters()
            policyRows = try db.policies()
        } catch let e as VaultError { throw e } catch { throw .io("cannot read the roster and policy", cause: error) }
        var rosters: [SignedRoster] = []
        for row in rosterRows {
            let signed = try RosterCache.verified(row.text, trustedRoot: rootKey)
            guard signed.roster.serial == row.serial, signed.roster.serial == UInt64(rosters.count + 1),
                  signed.roster.vaultID == vaultID else { throw .auth("roster history is out of order or from another vault") }
            rosters.append(signed)
        }
        guard !rosters.isEmpty else { throw .format("the vault has no roster") }
        var policies: [Int: Policy] = [:]
        for row in policyRows {
            try PolicySigning.verify(row.bytes, signature: row.signature, vault: vaultID, root: rootKey)
            let policy = try PolicyCache.parse(row.bytes)
            guard UInt64(exactly: policy.serial) == row.serial else { throw .auth("stored policy serial does not match its row") }
            policies[policy.serial] = policy
        }
        guard var state = VaultState(rosters: rosters, policies: policies) else { throw .format("the vault has no policy") }
        state.roleKeys = try roleKeyDirectory(db)
        do { state.escrow = try escrowRecipients(db) } catch let e as VaultError { throw e } catch { throw .io("cannot read the escrow keys", cause: error) }
        return state
    }

    package func state() throws(VaultError) -> VaultState {
        try read { db in try loadState(db) }
    }

    /// The current roster, verified.
    public func roster() throws(VaultError) -> Roster { try state().roster }

    /// Every signed roster, oldest first (for the auditor's export).
    public func rosterHistory() throws(VaultError) -> [SignedRoster] { try state().rosters }

    /// The policy in force, verified.
    public func policy() throws(VaultError) -> Policy { try state().policy }

    /// Runs `body` in one write transaction; a thrown error rolls everything back. A key agent's
    /// keys come only after the opening is logged: `body` then runs again (AccessLog/CaseOpening.swift).
    package func write<T>(_ body: (StoreTransaction) throws -> T) throws(VaultError) -> T {
        try retryingUnloggedOpenings { () throws(VaultError) in try store.write(body) }
    }

    /// Runs `body` on one read snapshot.
    package func read<T>(_ body: (StoreTransaction) throws -> T) throws(VaultError) -> T {
        try retryingUnloggedOpenings { () throws(VaultError) in try store.read(body) }
    }
}
