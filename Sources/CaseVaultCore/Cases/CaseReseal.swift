import AccessPolicy

/// Re-sealing: a new version that re-encrypts, under fresh class keys for the current
/// recipients, every field the actor can read, values unchanged (same origin, σ and value
/// commitment). After a removal (unassigned, revoked, role or policy narrowed) this is what
/// leaves the removed member's old keys opening nothing in the head.
extension SessionBound {
    /// Whether the head of `opened` is stale in a way this member can repair: some class that
    /// still holds an envelope for a removed recipient has a field this member can re-seal.
    func canRepairStaleness(_ opened: OpenedCase, state: VaultState, db: StoreTransaction) throws -> Bool {
        // A resident writes nothing, so leaves a stale head to the staff who read it next.
        guard !isResident else { return false }
        // Residents are readers too: their pseudonyms are recipients, not removed members.
        let residents = try verifiedResidents(opened.caseID, chain: opened.chain, state: state, db: db, pending: nil)
        let access = CaseAccess(policy: state.policy, roster: state.roster.withResidents(residents), assignments: opened.latest.assignments)
        // Grant recipients, not `holders`: a role envelope's members are no label, so they would make every granted class look stale.
        let granted = try grantLedger(opened.caseID, chain: opened.chain, state: state, db: db).grantees
        let stale = try Recipients(access: access, state: state).staleClasses(of: opened.latest, in: opened.chain, granted: granted)
            .union(BreakGlassCoverage.uncoveredClasses(head: opened.latest, chain: opened.chain, escrow: state.escrow))
        guard !stale.isEmpty else { return false }
        let resealable = Set(resealablePaths(opened, access: access))
        return opened.latest.fields.contains { stale.contains($0.key) && resealable.contains($0.path) }
    }

    /// Whether an assigned member lacks the key of a field they may read, in a class this member
    /// holds: left by an assignment whose author could neither grant that key (it also covers
    /// fields the new member may not read, so a grant would show them those) nor re-seal it
    /// (they do not read it). Re-sealing gives each reader set its own key; afterwards the
    /// member has an envelope, so this holds no longer and the head is not re-sealed again.
    func canRepairSplitKey(_ opened: OpenedCase, state: VaultState, db: StoreTransaction) throws -> Bool {
        guard !isResident else { return false }
        let head = opened.latest
        let access = CaseAccess(policy: state.policy, roster: state.roster, assignments: head.assignments)
        let resealable = Set(resealablePaths(opened, access: access))
        let granted = try grantLedger(opened.caseID, chain: opened.chain, state: state, db: db).authentic
        for a in head.assignments where a.member != member.id {
            guard let reader = state.roster.entry(a.member), reader.kind == .member, !reader.isRevoked else { continue }
            for f in head.fields where resealable.contains(f.path) && access.canRead(reader, path: FieldCatalog.pattern(ofPath: f.path) ?? f.path) {
                guard f.key.generation >= 1, f.key.generation <= UInt64(opened.chain.count) else { continue }
                let cls = opened.chain[Int(f.key.generation - 1)].classes.first { $0.index == f.key.index }
                let hasEnvelope = cls?.envelopes.contains { $0.member == reader.id } ?? false
                if !hasEnvelope && !granted.contains(where: { $0.key == f.key && $0.recipient == reader.id }) { return true }
            }
        }
        return false
    }

    /// The paths this member can move to fresh keys without changing them: format-2 fields they
    /// read and may still read, and format-1 fields they read and may write (rewritten anew).
    func resealablePaths(_ opened: OpenedCase, access: CaseAccess) -> [String] {
        opened.fields.keys.filter { path in
            let pattern = FieldCatalog.pattern(ofPath: path) ?? path
            return opened.sigmaAt[path] != nil ? access.canRead(member, path: pattern) : access.writeDecision(member, path: pattern).isAllowed
        }
    }

    /// Writes the re-seal version of `opened` and its `case.reseal` entry, inside the caller's transaction.
    func writeReseal(db: StoreTransaction, state: VaultState, opened: OpenedCase, reason: String? = nil) throws -> UInt64 {
        try writeVersion(db: db, state: state, opened: opened, written: [:], removed: [], assignments: opened.latest.assignments,
                         log: VersionLogEntry(action: .caseReseal, reason: reason)).version
    }

    /// Opens a case for reading; when its head is stale and this member can repair it, re-seals
    /// it first in the same transaction (lazy re-sealing by the next reader's client).
    func openRepairingStaleness(_ caseID: CaseID, state: VaultState, db: StoreTransaction, roleKeys: RoleKeyring? = nil) throws -> OpenedCase {
        let opened = try open(caseID, state: state, db: db, roleKeys: roleKeys)
        guard try canRepairStaleness(opened, state: state, db: db) || canRepairSplitKey(opened, state: state, db: db) else { return opened }
        // A re-seal this client may not write now (its clock is behind the head's date) is left to
        // the next reader; the read itself goes on. Such refusals come before anything is stored.
        do { _ = try writeReseal(db: db, state: state, opened: opened) } catch let e as VaultError where e.kind == .refused { return opened }
        return try open(caseID, state: state, db: db, roleKeys: roleKeys)
    }

    /// Eager re-sealing after a removal (revocation, policy change): every case this member can
    /// repair, each in its own transaction, so one damaged case does not stop the others; a
    /// case left stale is re-sealed lazily by its next reader. Returns how many were re-sealed.
    @discardableResult
    func resealStaleCases() -> Int {
        guard let ids = try? vault.write({ db in try db.caseIDs() }) else { return 0 }
        var count = 0
        for id in ids {
            let done = try? vault.write { db -> Bool in
                let state = try currentState(db)
                guard try reaches(id, state: state, db: db) else { return false }
                let opened = try open(id, state: state, db: db)
                guard try canRepairStaleness(opened, state: state, db: db) else { return false }
                _ = try writeReseal(db: db, state: state, opened: opened)
                return true
            }
            if done == true { count += 1 }
        }
        return count
    }
}

extension CaseOperations {
    /// `case reseal`: a new version re-encrypting every field this member can read for the
    /// current recipients, values unchanged. Refused when there is nothing they could re-seal.
    func reseal(_ caseID: CaseID, reason: String? = nil) throws(VaultError) -> UInt64 {
        try vault.write { db in
            let state = try currentState(db)
            let opened = try open(caseID, state: state, db: db)
            let access = CaseAccess(policy: state.policy, roster: state.roster, assignments: opened.latest.assignments)
            guard !resealablePaths(opened, access: access).isEmpty else {
                throw VaultError.denied("\(member.id) can re-seal no field of case \(caseID): they read none that they may still read")
            }
            return try writeReseal(db: db, state: state, opened: opened, reason: reason)
        }
    }
}

extension Session {
    /// Re-seals what this member can read of a case for its current recipients (see `CaseOperations.reseal`).
    @discardableResult
    public func reseal(_ caseID: CaseID, reason: String? = nil) throws(VaultError) -> UInt64 {
        try loggingRefusal("case.reseal", caseID: caseID) { () throws(VaultError) in try CaseOperations(session: self).reseal(caseID, reason: reason) }
    }
}
