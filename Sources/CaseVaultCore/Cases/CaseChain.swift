import AccessPolicy
import Foundation
import SodiumKit

/// The steps every operation on a case shares: reach, verify, open, and seal the next version.
extension SessionBound {
    /// Seals and stores the next version of an opened case, inside the caller's transaction.
    /// The author may write every path they change, and may overwrite or remove only what they
    /// can read (`add` creates new paths, so it needs no read access). Every format-2 field the
    /// author can read is re-sealed (same value, σ and commitment) under fresh keys for the
    /// current recipients, so a removed reader's old keys open nothing in the new head; a
    /// format-1 field has no commitment, so only an author who may write it re-encrypts it;
    /// everything else is carried forward byte for byte.
    /// `reseal` false (an assignment): every field is carried byte for byte, and grants give the
    /// new reader the keys (Cases/CaseGrants.swift).
    /// The version and the log entry naming it are written together (`commitVersion`).
    @discardableResult
    func writeVersion(db: StoreTransaction, state: VaultState, opened: OpenedCase, written: [String: FieldValue], removed: Set<String>,
                      assignments: [CaseVersion.Assignment], reseal: Bool = true, binding: ResidentBinding? = nil,
                      log: VersionLogEntry) throws -> (version: UInt64, carried: Int, entry: LogEntry) {
        let caseID = opened.caseID
        try requireStaff("write a case")
        let before = CaseAccess(policy: state.policy, roster: state.roster, assignments: opened.latest.assignments)
        let sealedFromAuthor = Set(opened.sealedFields.map(\.path))
        for path in written.keys where sealedFromAuthor.contains(path) {
            throw VaultError.denied("\(member.id) may not overwrite \(path), which is sealed from them")
        }
        for path in removed where sealedFromAuthor.contains(path) {
            throw VaultError.denied("\(member.id) may not remove \(path), which is sealed from them")
        }
        for path in Array(written.keys) + Array(removed) {
            if case let .denied(reason) = before.writeDecision(member, path: path) { throw VaultError.denied(reason) }
        }
        let stored = Dictionary(uniqueKeysWithValues: opened.latest.fields.map { ($0.path, $0) })
        var mayWrite: [String: Bool] = [:]
        var fresh: [String: FieldValue] = [:]
        var resealing: [String] = []
        var carried = opened.sealedFields.filter { !removed.contains($0.path) && written[$0.path] == nil }
        for (path, value) in opened.fields where !removed.contains(path) && written[path] == nil {
            let pattern = FieldCatalog.pattern(ofPath: path) ?? path
            if opened.sigmaAt[path] != nil {
                if reseal && before.canRead(member, path: pattern) { resealing.append(path) } else if let field = stored[path] { carried.append(field) }
                continue
            }
            let allowed = mayWrite[pattern] ?? before.writeDecision(member, path: pattern).isAllowed
            mayWrite[pattern] = allowed
            if allowed && reseal { fresh[path] = value } else if let field = stored[path] { carried.append(field) }
        }
        for (p, v) in written { fresh[p] = v }
        let next = opened.latest.version + 1
        let parent = try chainHash(caseID: caseID, version: opened.latest.version, db: db)
        try requireUnnamedVersion(caseID, next, db: db)
        // Dated by this computer's own clock, never carried forward from a parent: one wrong
        // clock then dates only the versions written on it (readers flag those, and refuse none).
        let created = clock.now()
        // A binding made in this transaction names the version being written: it joins the readers here.
        let residents = try verifiedResidents(caseID, chain: opened.chain, state: state, db: db, pending: binding)
        let sealed = try sealer(caseID: caseID, version: next, parent: parent, state: state, assignments: assignments, created: created, residents: residents)
            .seal(fresh: fresh, carried: carried, written: Array(written.keys), removed: Array(removed), resealing: resealing, from: opened,
                  signingKey: identity.signer)
        let entry = try commitVersion(sealed, caseID: caseID, state: state, db: db, log: log)
        return (next, carried.count, entry)
    }

    func open(_ caseID: CaseID, state: VaultState, db: StoreTransaction, roleKeys: RoleKeyring? = nil) throws -> OpenedCase {
        if let anchor, anchor.logNames(caseID), try db.caseVersions(caseID).isEmpty { try anchor.checkHead(caseID, stored: [], chain: []) }
        guard try reaches(caseID, state: state, db: db) else { throw VaultError.notFound("case \(caseID) not found") }
        let chain = try verifiedChain(caseID, state: state, db: db)
        guard let latest = chain.last else { throw VaultError.notFound("case \(caseID) not found") }
        try requireReach(latest, state: state)
        // The grants of the case stand beside the envelopes (Cases/CaseGrants.swift).
        return try openWithGrants(chain, caseID: caseID, state: state, db: db,
                                  roleKeys: try roleKeys ?? RoleKeyring.unlock(db, vault: vault, state: state, reader: member, opener: identity.boxOpener))
    }

    func verifiedChain(_ caseID: CaseID, state: VaultState, db: StoreTransaction) throws -> [CaseVersion] {
        let stored = try db.caseVersions(caseID)
        guard !stored.isEmpty else { throw VaultError.notFound("case \(caseID) not found") }
        var opener = Opener(vaultID: vault.vaultID, roster: state.roster, policies: state.policies,
                            rosters: state.rosters.map(\.roster), now: clock.now())
        opener.grantHolders = try grantHolders(caseID, stored: stored, state: state, db: db)
        let chain = try opener.verifyChain(stored, caseID: caseID)
        try anchor?.checkHead(caseID, stored: stored, chain: chain)
        _ = try verifiedResidents(caseID, chain: chain, state: state, db: db)
        return chain
    }

    /// A member outside the case (not assigned, no centre-wide role) is told the case is not
    /// found: even the existence of a case is confidential (krisesenterlova § 5).
    func requireReach(_ latest: CaseVersion, state: VaultState) throws(VaultError) {
        let access = CaseAccess(policy: state.policy, roster: rosterSeeing(state.roster), assignments: latest.assignments)
        guard !access.effectiveRoles(of: member).isEmpty else { throw .notFound("case \(latest.caseID) not found") }
    }

    /// Whether this member reaches the case at all, judged from the latest version's assignments
    /// before anything is verified: someone outside a case learns nothing about it, not even
    /// that it was damaged. (Verification follows before anything is trusted.)
    func reaches(_ caseID: CaseID, state: VaultState, db: StoreTransaction) throws -> Bool {
        if let bound = session.residentCase { return bound == caseID }
        if member.roles.contains(where: { state.policy.scope(of: $0) == .centreWide }) { return true }
        // Anyone assigned in any version knows the case exists, so a damaged latest version is
        // reported to them as damage; everyone else is told "not found".
        let everAssigned = try db.caseBodies(caseID).compactMap { try? CaseVersion.decode($0) }.flatMap(\.assignments)
        return !CaseAccess(policy: state.policy, roster: state.roster, assignments: everAssigned).effectiveRoles(of: member).isEmpty
    }

    func sealer(caseID: CaseID, version: UInt64, parent: [UInt8], state: VaultState, assignments: [CaseVersion.Assignment],
                        created: Timestamp? = nil, residents: [RosterEntry] = []) -> Sealer {
        var sealer = Sealer(vaultID: vault.vaultID, caseID: caseID, version: version, parentHash: parent, author: member, created: created ?? clock.now(),
                            roster: state.roster.withResidents(residents), policy: state.policy, assignments: assignments, roleKeys: state)
        sealer.escrow = state.escrow
        return sealer
    }

    /// The one way a case version is stored: with the log entry that names it by number and
    /// hash, in the same transaction (the store refuses to commit a version no entry names).
    func commitVersion(_ v: SealedVersion, caseID: CaseID, state: VaultState, db: StoreTransaction, log: VersionLogEntry) throws -> LogEntry {
        try db.insertCaseVersion(caseID, version: v.version.version, body: v.body, signature: v.signature)
        anchor?.noteWritten(v, caseID: caseID)
        var detail = log.detail
        detail[LogDetail.version] = String(v.version.version)
        return try vault.appendLog(db, state: state, session: session, action: log.action.logAction, caseID: caseID,
                                   fields: log.fields, detail: detail, reason: log.reason, time: log.time)
    }

    func chainHash(caseID: CaseID, version: UInt64, db: StoreTransaction) throws -> [UInt8] {
        guard let stored = try db.caseVersion(caseID, version: version) else { throw VaultError.notFound("case \(caseID) not found") }
        return CaseVersion.chainHash(body: stored.body, signature: stored.signature)
    }
}

