import AccessPolicy
import SodiumKit

/// Grants in a session: opening with them, writing them when a member is assigned, and
/// completing pending ones at the start of a command (docs/FORMAT.md, "Grants").
extension SessionBound {
    /// The case's grants judged against `chain`.
    func grantLedger(_ caseID: CaseID, chain: [CaseVersion], state: VaultState, db: StoreTransaction) throws -> GrantLedger {
        let rows = try db.caseGrants(caseID)
        return GrantLedger(vaultID: vault.vaultID, caseID: caseID, roster: state.roster, grants: rows.grants, unreadable: rows.unreadable, chain: chain)
    }

    /// Who held a class key through an authentic grant, for the chain check of re-sealed fields.
    /// Judged on the decoded bodies, which `verifyChain` then verifies in full before any use.
    func grantHolders(_ caseID: CaseID, stored: [StoredVersion], state: VaultState, db: StoreTransaction) throws -> [CaseVersion.KeyRef: Set<String>] {
        let rows = try db.caseGrants(caseID)
        var holders = try recoveryHolders(caseID, db: db, state: state)
        guard !rows.grants.isEmpty else { return holders }
        let decoded = stored.compactMap { try? CaseVersion.decode($0.body) }
        guard decoded.count == stored.count else { return holders }
        for (ref, members) in GrantLedger(vaultID: vault.vaultID, caseID: caseID, roster: state.roster, grants: rows.grants, chain: decoded).holders {
            holders[ref, default: []].formUnion(members)
        }
        return holders
    }

    /// Opens a verified chain with the reader's envelopes and usable grants; lists the grants
    /// refused and the members still waiting for keys.
    func openWithGrants(_ chain: [CaseVersion], caseID: CaseID, state: VaultState, db: StoreTransaction,
                        roleKeys: RoleKeyring = .none) throws -> OpenedCase {
        guard let head = chain.last else { throw VaultError.notFound("case \(caseID) not found") }
        let access = CaseAccess(policy: state.policy, roster: state.roster, assignments: head.assignments)
        let ledger = try grantLedger(caseID, chain: chain, state: state, db: db)
        var opener = Opener(vaultID: vault.vaultID, roster: state.roster, policies: state.policies)
        opener.grantedBoxes = ledger.usableBoxes(for: member, head: head, access: access)
        // Keys a completed recovery released to this member (Recovery/RecoveryReleases.swift).
        opener.grantedBoxes.merge(try recoveryReleases(caseID, db: db, state: state)) { grant, _ in grant }
        opener.refusedGrants = ledger.refused
        opener.vaultDirectory = vault.directory
        var opened = try opener.open(chain, caseID: caseID, reader: member, key: identity.boxOpener, roleKeys: roleKeys)
        opened.pendingGrants = ledger.pending(chain: chain, roster: state.roster, access: access)
        opened.readerWaitsForGrants = opened.pendingGrants.first { $0.member == member.id }?.classes ?? 0
        return opened
    }

    /// Seals to `recipientID` every key of the head they are entitled to, lack, and this member
    /// holds (an envelope or an authentic grant; each checked against its commitment), and logs
    /// `case.grant`. Returns the classes granted and how many of the head's fields still wait.
    /// No field ciphertext is touched.
    func grantMissing(to recipientID: String, caseID: CaseID, chain: [CaseVersion], state: VaultState,
                      db: StoreTransaction) throws -> (granted: Int, waiting: Int) {
        guard let head = chain.last, let recipient = state.roster.entry(recipientID) else { return (0, 0) }
        let access = CaseAccess(policy: state.policy, roster: state.roster, assignments: head.assignments)
        let ledger = try grantLedger(caseID, chain: chain, state: state, db: db)
        let missing = ledger.missing(for: recipient, chain: chain, access: access)
        guard !missing.isEmpty else { return (0, 0) }
        var held: [(ref: CaseVersion.KeyRef, commitment: [UInt8], box: [UInt8], label: String)] = []
        var heldViaRole: [(ref: CaseVersion.KeyRef, commitment: [UInt8], box: [UInt8], key: BoxSecretKey)] = []
        let roleKeys = try RoleKeyring.unlock(db, vault: vault, state: state, reader: member, opener: identity.boxOpener)
        for ref in missing {
            guard let cls = chain[Int(ref.generation - 1)].classes.first(where: { $0.index == ref.index }) else { continue }
            if let e = cls.envelopes.first(where: { $0.member == member.id }) {
                held.append((ref, cls.commitment, e.sealedKey, ""))
            } else if let (e, k) = cls.envelopes.lazy.compactMap({ e in roleKeys.key(for: e.member).map { (e, $0) } }).first {
                heldViaRole.append((ref, cls.commitment, e.sealedKey, k))
            } else if let e = cls.envelopes.first(where: { roleKeys.sealedLabels.contains($0.member) }) {
                held.append((ref, cls.commitment, e.sealedKey, e.member))
            } else if let g = ledger.authentic.first(where: { $0.key == ref && $0.recipient == member.id }) {
                held.append((ref, cls.commitment, g.sealedKey, ""))
            }
        }
        var granted = Set<CaseVersion.KeyRef>()
        if !held.isEmpty || !heldViaRole.isEmpty {
            let format = { (ref: CaseVersion.KeyRef) in Opener.format(ofGeneration: ref.generation, in: chain) }
            let secrets: [SymmetricKey?]
            if let agent = identity.boxOpener as? any CaseKeyOpener {
                let items = held.map { CaseKeyRequest.Item(ref: $0.ref, format: format($0.ref), commitment: $0.commitment, box: $0.box, roleLabel: $0.label) }
                secrets = held.isEmpty ? [] : try agent.openCaseKeys(CaseKeyRequest(vaultDirectory: vault.directory, vaultID: vault.vaultID, caseID: caseID,
                                                                                    items: items, roleSeeds: roleKeys.sealedSeeds))
            } else {
                secrets = (held.isEmpty ? [] : try identity.boxOpener.openSealedBoxes(held.map(\.box))).map { s in s.flatMap { try? SymmetricKey(secret: $0) } }
            }
            held += heldViaRole.map { ($0.ref, $0.commitment, $0.box, "") }
            for (h, key) in zip(held, secrets + heldViaRole.map { v in (try? SealedBox.open(v.box, with: v.key)).flatMap { try? SymmetricKey(secret: $0) } }) {
                // A key that does not match its commitment is not passed on: the grant would be refused anyway.
                guard let key,
                      Memory.constantTimeEquals(CaseVersion.commitment(to: key, vault: vault.vaultID, caseID: caseID, ref: h.ref,
                                                                         format: Opener.format(ofGeneration: h.ref.generation, in: chain)), h.commitment)
                else { continue }
                try db.saveCaseGrant(try CaseGrant.make(vaultID: vault.vaultID, caseID: caseID, key: h.ref, commitment: h.commitment, classKey: key,
                                                        recipient: recipient, granter: member.id, basis: .holder, created: clock.now(),
                                                        signer: identity.signer))
                granted.insert(h.ref)
            }
        }
        if !granted.isEmpty {
            try vault.appendLog(db, state: state, session: session, action: .caseGrant, caseID: caseID, fields: [],
                                detail: ["recipient": recipientID, "classes": String(granted.count)], reason: nil)
        }
        let waiting = head.fields.filter { missing.contains($0.key) && !granted.contains($0.key) }.count
        return (granted.count, waiting)
    }
}

extension SessionBound {
    /// For a case being listed: grants what this member holds to every member the head shows
    /// pending (so completion needs no hint), clears hints no longer needed, and returns who
    /// still waits.
    func completeGrants(in opened: OpenedCase, state: VaultState, db: StoreTransaction) throws -> [PendingGrant] {
        var grantedAny = false
        for p in opened.pendingGrants {
            let r = try grantMissing(to: p.member, caseID: opened.caseID, chain: opened.chain, state: state, db: db)
            if r.waiting == 0 { try db.removePendingGrantHint(opened.caseID, member: p.member) }
            grantedAny = grantedAny || r.granted > 0
        }
        guard grantedAny else { return opened.pendingGrants }
        let access = CaseAccess(policy: state.policy, roster: state.roster, assignments: opened.latest.assignments)
        return try grantLedger(opened.caseID, chain: opened.chain, state: state, db: db).pending(chain: opened.chain, roster: state.roster, access: access)
    }
}

extension Session {
    /// Run when a command's session opens: completes the pending grants hinted in the vault that
    /// this member can give, and clears a hint once its member waits for nothing. Costs one read
    /// of the hint table when there are none. The hint only says where to look: what is missing
    /// is decided from each case's head. Best effort: a case that fails here keeps its hint for
    /// another client and never fails the command.
    @discardableResult
    package func completePendingGrants() -> Int {
        guard let hints = try? vault.read({ try $0.pendingGrantHints() }), !hints.isEmpty else { return 0 }
        return (try? vault.write { db in
            let state = try currentState(db)
            var granted = 0
            for (caseID, memberID) in hints {
                do {
                    guard try reaches(caseID, state: state, db: db) else { continue }
                    let chain = try verifiedChain(caseID, state: state, db: db)
                    let r = try grantMissing(to: memberID, caseID: caseID, chain: chain, state: state, db: db)
                    granted += r.granted
                    if r.waiting == 0 { try db.removePendingGrantHint(caseID, member: memberID) }
                } catch let e as VaultError where e.kind != .ioFailure && e.unloggedCaseOpening == nil { continue }
            }
            return granted
        }) ?? 0
    }
}
