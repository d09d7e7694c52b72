import AccessPolicy
import SodiumKit
#if canImport(Glibc)
import Glibc
#endif

/// How a resident's key, bound to one case and on no roster, takes part in a session.
extension Vault {
    /// The binding a resident's key opens a session with: both public keys as bound, still bound,
    /// signed by a member of the current roster. (The full check against the case's versions
    /// follows whenever the case is opened.)
    func residentBinding(for identity: PublicIdentity) throws(VaultError) -> ResidentBinding? {
        try read { db in
            guard let b = try db.residentBinding(signingKey: identity.signingKey, vault: vaultID), b.identity == identity, b.unboundAt == nil else {
                return nil
            }
            try b.verifySignature(vault: vaultID, roster: try loadState(db).roster)
            return b
        }
    }

    /// A resident session acts no further once its binding is removed.
    func requireStillBound(_ member: RosterEntry, db: StoreTransaction, state: VaultState) throws {
        guard let b = try db.residentBinding(member.id, vault: vaultID), b.identity == member.identity, b.unboundAt == nil else {
            throw VaultError.denied("this key is no longer bound to a case")
        }
        try b.verifySignature(vault: vaultID, roster: state.roster)
    }

    /// The signing key a pseudonymous log actor signs with, from its verified binding.
    func residentSigningKey(_ pseudonym: String, db: StoreTransaction, roster: Roster) throws -> SigningPublicKey? {
        guard let b = try db.residentBinding(pseudonym, vault: vaultID) else { return nil }
        try b.verifySignature(vault: vaultID, roster: roster)
        return b.identity.signingKey
    }
}

extension SessionBound {
    var isResident: Bool { session.residentCase != nil }

    /// The roster as this session's own reach is judged: a resident adds their own bound key.
    func rosterSeeing(_ roster: Roster) -> Roster { isResident ? roster.withResidents([member]) : roster }

    /// Every binding of the case, each checked against the verified chain: a binding row written
    /// straight into the database (no contact person's signature and version behind it) is refused.
    /// Returns the residents still bound, as the access rules see them.
    func verifiedResidents(_ caseID: CaseID, chain: [CaseVersion], state: VaultState, db: StoreTransaction,
                           pending: ResidentBinding? = nil) throws -> [RosterEntry] {
        var out: [RosterEntry] = []
        for b in try db.residentBindings(caseID: caseID, vault: vault.vaultID) {
            if b.pseudonym == pending?.pseudonym, b == pending {
                out.append(b.entry)
                continue
            }
            try b.verify(vault: vault.vaultID, roster: state.roster, chain: chain)
            if b.unboundAt == nil { out.append(b.entry) }
        }
        return out
    }

    /// Residents read their own case; they write nothing.
    func requireStaff(_ what: String) throws(VaultError) {
        guard !isResident else { throw .denied("a resident's key reads its own case only; it cannot \(what)") }
    }
}

extension Vault {
    /// Keyrings written before residents left the roster were mode 0644: make them private on open.
    func tightenKeyringMode() {
        var st = stat()
        guard stat(keyringPath, &st) == 0, st.st_mode & 0o077 != 0, st.st_uid == getuid() else { return }
        _ = chmod(keyringPath, 0o600)
    }
}
