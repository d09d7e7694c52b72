import AccessPolicy
import SodiumKit

/// Binding a resident's key to their case, and removing it again. The resident gets no roster
/// entry: the case's assignments name a fresh pseudonym, and a signed binding row ties that
/// pseudonym to the key. Only a contact person assigned to the case binds; the binding and the
/// version that assigns the pseudonym are written, and logged, in one transaction.
struct ResidentOperations: SessionBound {
    let session: Session

    func addResident(_ caseID: CaseID, identity resident: PublicIdentity, reason: String?) throws(VaultError) -> (pseudonym: String, version: UInt64) {
        try requireStaff("bind a resident's key")
        return try vault.write { db in
            let state = try currentState(db)
            guard state.roster.entry(for: resident) == nil else {
                throw VaultError.input("this key is on the roster; a resident needs a key of their own (`casevault identity new`)")
            }
            guard try db.residentBinding(signingKey: resident.signingKey, vault: vault.vaultID) == nil else {
                throw VaultError.input("this key is already bound to a case; a resident gets a fresh key for each case")
            }
            let opened = try open(caseID, state: state, db: db)
            let access = CaseAccess(policy: state.policy, roster: state.roster, assignments: opened.latest.assignments)
            guard access.grants(.bindResident, to: member) else {
                throw VaultError.denied("only a contact person assigned to the case may bind a resident's key to it")
            }
            guard state.policy.scope(of: .resident) == .caseAssigned else { throw VaultError.input("the policy does not make resident a case-assigned role") }
            var pseudonym = ResidentBinding.newPseudonym()
            while try db.residentBinding(pseudonym, vault: vault.vaultID) != nil { pseudonym = ResidentBinding.newPseudonym() }
            let next = opened.latest.version + 1
            let binding = try ResidentBinding.signed(vaultID: vault.vaultID, caseID: caseID, pseudonym: pseudonym, identity: resident,
                                                     binder: member.id, boundAt: next, key: identity.signer)
            try db.insertResidentBinding(binding)
            let assignments = opened.latest.assignments + [CaseVersion.Assignment(member: pseudonym, role: Role.resident.rawValue)]
            try writeVersion(db: db, state: state, opened: opened, written: [:], removed: [], assignments: assignments, binding: binding,
                             log: VersionLogEntry(action: .caseBindKey, detail: ["holder": pseudonym, "key": Hex.encode(resident.signingKey.bytes)],
                                                  reason: reason))
            return (pseudonym, next)
        }
    }

    /// Removes the pseudonym's assignment (a new version, which re-seals what the actor can read
    /// without them) and marks the binding unbound: the key opens no session from then on.
    func removeResident(_ caseID: CaseID, pseudonym: String, reason: String?) throws(VaultError) -> UInt64 {
        try requireStaff("remove a resident")
        return try vault.write { db in
            let state = try currentState(db)
            let opened = try open(caseID, state: state, db: db)
            let access = CaseAccess(policy: state.policy, roster: state.roster, assignments: opened.latest.assignments)
            guard Assigning.mayAssign(member, in: access) else { throw VaultError.denied("only the leader or the case's contact person may remove a resident") }
            guard let b = try db.residentBinding(pseudonym, vault: vault.vaultID), b.caseID == caseID, b.unboundAt == nil else {
                throw VaultError.notFound("no resident \(pseudonym.prefix(18)) is bound to case \(caseID)")
            }
            let next = opened.latest.version + 1
            let assignments = opened.latest.assignments.filter { $0.member != pseudonym }
            try writeVersion(db: db, state: state, opened: opened, written: [:], removed: [], assignments: assignments,
                             log: VersionLogEntry(action: .caseUnbindKey, detail: ["holder": pseudonym], reason: reason))
            try db.markResidentUnbound(pseudonym, at: next)
            return next
        }
    }
}

extension Session {
    /// Binds a resident's public identity to a case under a fresh pseudonym (contact person of the case).
    public func addResident(_ caseID: CaseID, identity: PublicIdentity, reason: String? = nil) throws(VaultError) -> (pseudonym: String, version: UInt64) {
        try loggingRefusal("case.bind-key", caseID: caseID) { () throws(VaultError) in
            try ResidentOperations(session: self).addResident(caseID, identity: identity, reason: reason)
        }
    }

    /// Unbinds a resident's pseudonym from a case (contact person of the case, or the leader).
    @discardableResult
    public func removeResident(_ caseID: CaseID, pseudonym: String, reason: String? = nil) throws(VaultError) -> UInt64 {
        try loggingRefusal("case.unbind-key", caseID: caseID) { () throws(VaultError) in
            try ResidentOperations(session: self).removeResident(caseID, pseudonym: pseudonym, reason: reason)
        }
    }
}
