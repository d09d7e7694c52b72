import SodiumKit

extension SessionBound {
    /// The class keys a completed recovery released to this member on `caseID`, each grant
    /// checked: signed by a trustee of its request, the request signed by a leader and in the
    /// log, and naming this member as the new reader. (Break-glass releases are read only
    /// through `BreakGlassOperations.show`, which limits them to the requested fields.)
    func recoveryReleases(_ caseID: CaseID, db: StoreTransaction, state: VaultState) throws -> [CaseVersion.KeyRef: [UInt8]] {
        var out: [CaseVersion.KeyRef: [UInt8]] = [:]
        let ops = RecoveryOperations(session: session)
        for row in try db.releasedKeys(caseID: caseID, holder: member.id) {
            let grant = try ReleasedKey.parse(row.grantText, vault: vault.vaultID, caseID: caseID, roster: state.roster)
            guard grant.basis.hasPrefix("recovery:") else { continue }
            let (request, s) = try ops.loadRequest(db, row.request, state: state)
            let hash = s.hash(kind: "recovery-request")
            guard grant.basis == "recovery:" + Hex.encode(hash), grant.holder == member.id, s.value("new-reader") == member.id,
                  request.caseID == caseID, EscrowText.list(s.value("subset")).last == grant.granter,
                  grant.ref == CaseVersion.KeyRef(generation: row.generation, index: row.index) else {
                throw VaultError.auth("a key released to \(member.id) on case \(caseID) does not match its recovery request (tampered)")
            }
            try requireLogged(db, index: request.logIndex, action: .recoveryRequest, hash: hash)
            out[grant.ref] = grant.sealed
        }
        return out
    }
}
