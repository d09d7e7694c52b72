import SodiumKit

extension SessionBound {
    /// The class keys a completed recovery released to this member on `caseID`, each grant
    /// checked: signed by a trustee of its request, the request signed by a leader and in the
    /// log, and naming this member as the new reader. (Break-glass releases are read only
    /// through `BreakGlassOperations.show`, which limits them to the requested fields.)
    func recoveryReleases(_ caseID: CaseID, db: StoreTransaction, state: VaultState) throws -> [CaseVersion.KeyRef: [UInt8]] {
        try recoveryReleases(caseID, to: member.id, db: db, state: state)
    }

    /// Who holds which class key through a completed recovery: for the chain check of a version
    /// such a holder writes (they re-seal what the recovery gave them).
    func recoveryHolders(_ caseID: CaseID, db: StoreTransaction, state: VaultState) throws -> [CaseVersion.KeyRef: Set<String>] {
        var out: [CaseVersion.KeyRef: Set<String>] = [:]
        for holder in try db.releasedKeyHolders(caseID: caseID) {
            for ref in try recoveryReleases(caseID, to: holder, db: db, state: state).keys { out[ref, default: []].insert(holder) }
        }
        return out
    }

    private func recoveryReleases(_ caseID: CaseID, to holder: String, db: StoreTransaction, state: VaultState) throws -> [CaseVersion.KeyRef: [UInt8]] {
        var out: [CaseVersion.KeyRef: [UInt8]] = [:]
        let ops = RecoveryOperations(session: session)
        for row in try db.releasedKeys(caseID: caseID, holder: holder) {
            let grant = try ReleasedKey.parse(row.grantText, vault: vault.vaultID, caseID: caseID, roster: state.roster)
            guard grant.basis.hasPrefix("recovery:") else { continue }
            let (request, s) = try ops.loadRequest(db, row.request, state: state)
            let hash = s.hash(kind: "recovery-request")
            guard grant.basis == "recovery:" + Hex.encode(hash), grant.holder == holder, s.value("new-reader") == holder,
                  request.caseID == caseID, EscrowText.list(s.value("subset")).last == grant.granter,
                  grant.ref == CaseVersion.KeyRef(generation: row.generation, index: row.index) else {
                throw VaultError.auth("a key released to \(holder) on case \(caseID) does not match its recovery request (tampered)")
            }
            try requireLogged(db, index: request.logIndex, action: .recoveryRequest, hash: hash)
            out[grant.ref] = grant.sealed
        }
        return out
    }
}
