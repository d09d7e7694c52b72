import AccessPolicy
import Foundation
import SodiumKit

/// One line of `case list`: what the reader may know about a case without opening its content.
public struct CaseSummary: Sendable {
    public let caseID: CaseID
    public let version: UInt64
    public let updated: Timestamp
    public let assignments: [CaseVersion.Assignment]
    /// Fields of the listing the reader could decrypt (alias, phase, status; for the due list,
    /// the fields deadlines are worked out from).
    public let glance: [String: FieldValue]
    /// Set when the case failed verification: listed so it is noticed, never shown.
    public let problem: String?
    /// Assigned members still waiting for keys from a current reader's client.
    public var pendingGrants: [PendingGrant] = []
}

/// The case operations: open, change, assign, read, list and trace cases.
struct CaseOperations: SessionBound {
    let session: Session

    static let listingFields = ["person.alias", "case.phase", "case.status"]

    /// Creates a case from a JSON/YAML record. The author is assigned as its contact person.
    @discardableResult
    func createCase(recordText: String, reason: String? = nil) throws(VaultError) -> CaseID {
        guard member.holds(.openCase) else { throw .denied("\(member.id) is not a contact person; only contact persons open cases") }
        let record = try RecordParser(allowSyntheticIDs: vault.isTestVault).parseRecord(recordText)
        guard !record.fields.isEmpty else { throw .input("the case record is empty") }
        try RecordWriteRules(today: clock.now().osloDate).checkNewCase(record.fields)
        let caseID = CaseID.random()
        let assignments = [CaseVersion.Assignment(member: member.id, role: Role.contactPerson.rawValue)]
        try vault.write { db in
            let state = try currentState(db)
            let access = CaseAccess(policy: state.policy, roster: state.roster, assignments: assignments)
            for path in record.fields.keys {
                if case let .denied(reason) = access.writeDecision(member, path: path) { throw VaultError.denied(reason) }
            }
            let sealed = try sealer(caseID: caseID, version: 1, parent: [UInt8](repeating: 0, count: 32), state: state, assignments: assignments)
                .seal(fresh: record.fields, carried: [], written: Array(record.fields.keys), removed: [], signingKey: identity.signer)
            try commitVersion(sealed, caseID: caseID, state: state, db: db,
                              log: VersionLogEntry(action: .caseCreate, fields: CaseRecord.order(Array(record.fields.keys)), reason: reason))
        }
        return caseID
    }

    /// Applies a patch: a new signed version. Fields the author cannot read are carried forward untouched.
    @discardableResult
    func updateCase(_ caseID: CaseID, patchText: String, reason: String? = nil) throws(VaultError) -> UInt64 {
        let patch = try RecordPatch.parse(patchText, allowSyntheticIDs: vault.isTestVault)
        var carried = 0
        return try rewrite(caseID, action: .caseUpdate, reason: reason, carriedCount: &carried) { state, opened in
            let existing = Set(opened.fields.keys).union(opened.sealedFields.map(\.path))
            let change = try patch.resolve(existingPaths: existing)
            try patch.refuseProblems(in: opened, change: change, writer: member,
                                     access: CaseAccess(policy: state.policy, roster: state.roster, assignments: opened.latest.assignments),
                                     today: clock.now().osloDate)
            return (change.written, change.removed, opened.latest.assignments)
        }
    }

    /// Assigns or unassigns a member in a case-scoped role. An assignment carries every field
    /// byte for byte and grants the new member each key of the head their role reads that the
    /// actor holds; the rest waits, as a pending grant, for a current reader's client
    /// (`stillSealed` counts those fields). Where a key covers fields the new member may read
    /// and fields they may not, it cannot be granted: then, and when unassigning, the actor
    /// re-seals what they can read and write, as before.
    @discardableResult
    func assign(_ caseID: CaseID, memberID: String, role: Role, remove: Bool = false, reason: String? = nil) throws(VaultError) -> (version: UInt64, stillSealed: Int) {
        var stillSealed = 0, waiting = 0
        let version = try rewrite(caseID, action: remove ? .caseUnassign : .caseAssign, reason: reason, detail: ["member": memberID, "role": role.rawValue],
                                  reseal: { state, opened, assignments in
                                      remove || state.roster.entry(memberID).map {
                                          GrantLedger.splitsAKey(for: $0, head: opened.latest,
                                                                 access: CaseAccess(policy: state.policy, roster: state.roster, assignments: assignments))
                                      } ?? true
                                  }, carriedCount: &stillSealed) { state, opened in
            guard let target = state.roster.entry(memberID), target.kind == .member, !target.isRevoked else {
                throw VaultError.notFound("no active member \(memberID) on the roster")
            }
            guard state.policy.scope(of: role) == .caseAssigned else { throw VaultError.input("\(role.rawValue) is not a case-assigned role in the policy") }
            guard target.roles.contains(role) else { throw VaultError.input("\(memberID) does not hold the role \(role.rawValue)") }
            let access = CaseAccess(policy: state.policy, roster: state.roster, assignments: opened.latest.assignments)
            guard Assigning.mayAssign(member, in: access) else { throw VaultError.denied("only the leader or the case's contact person may change assignments") }
            var assignments = Set(opened.latest.assignments)
            let a = CaseVersion.Assignment(member: memberID, role: role.rawValue)
            if remove {
                guard assignments.remove(a) != nil else { throw VaultError.input("\(memberID) is not assigned as \(role.rawValue)") }
            } else {
                guard assignments.insert(a).inserted else { throw VaultError.input("\(memberID) is already assigned as \(role.rawValue)") }
            }
            return ([:], [], Array(assignments))
        } then: { state, db, chain in
            guard !remove else { return }
            let r = try grantMissing(to: memberID, caseID: caseID, chain: chain, state: state, db: db)
            waiting = r.waiting
            if r.waiting > 0 { try db.addPendingGrantHint(caseID, member: memberID) }
        }
        return (version, remove ? stillSealed : waiting)
    }

    /// Verifies and decrypts the latest version, logging the read (which fields) before returning it.
    /// A failed or refused read is logged too, and the log entry commits even though the read fails.
    func showCase(_ caseID: CaseID, reason: String? = nil) throws(VaultError) -> OpenedCase {
        let result: Result<OpenedCase, VaultError>
        do { result = try vault.write { db in
            let state = try currentState(db)
            do {
                let opened = try openRepairingStaleness(caseID, state: state, db: db)
                var detail = ["version": String(opened.latest.version)]
                // Grants refused as tampered were ignored; the log keeps a count for the auditor.
                if !opened.refusedGrants.isEmpty { detail["grants-refused"] = String(opened.refusedGrants.count) }
                try vault.appendLog(db, state: state, session: session, action: .caseRead, caseID: caseID,
                                     fields: CaseRecord.order(Array(opened.fields.keys)), detail: detail, reason: reason)
                return .success(opened)
            } catch let e as VaultError where e.kind != .ioFailure && e.unloggedCaseOpening == nil {
                try vault.appendLog(db, state: state, session: session, action: .caseReadRefused, caseID: caseID, fields: [],
                                     detail: ["error": e.kind.logName], reason: reason)
                return .failure(e)
            }
        } } catch {
            // Refused before the case was reached (the member revoked meanwhile, the vault's state
            // gone back): logged in a transaction of its own, as every refusal is.
            session.recordRefusal(command: "case.show", caseID: caseID, error: error)
            throw error
        }
        return try result.get()
    }

    /// Version metadata (who, when, which paths): no content is decrypted.
    func history(_ caseID: CaseID) throws(VaultError) -> [CaseVersion] {
        try vault.write { db in
            let state = try currentState(db)
            guard try reaches(caseID, state: state, db: db) else { throw VaultError.notFound("case \(caseID) not found") }
            let chain = try verifiedChain(caseID, state: state, db: db)
            guard let latest = chain.last else { throw VaultError.notFound("case \(caseID) not found") }
            try requireReach(latest, state: state)
            try vault.appendLog(db, state: state, session: session, action: .caseHistory, caseID: caseID, fields: [], detail: [:], reason: nil)
            return chain
        }
    }

    /// The cases this member reaches (assigned, or through a centre-wide role), in one
    /// transaction: each verified and opened once, with the fields `shown` selects (by path)
    /// logged as read, under `reason` when there is one. A case that fails verification is
    /// listed with its problem instead of failing the listing. With a client anchor, a case
    /// whose log-named head is the one this member's sealed index for `listing` verified is
    /// taken from the index instead of being opened again (its read is logged all the same).
    /// Only the cases `selection` returns leave the core and are logged as read.
    func listCases(showing shown: (String) -> Bool = { Self.listingFields.contains($0) }, listing: String = "list",
                   reason: String? = nil, selecting selection: CaseSelection = .everything) throws(VaultError) -> CaseListing {
        let index = try openListIndex(listing)
        try announceOpenings(skipping: index)
        var fresh: ListIndex?
        let out = try vault.write { db in
            let state = try currentState(db)
            let scope = session.residentCase != nil ? nil : anchor?.listIndexScope(listing: listing, rosterSerial: state.roster.serial, policySerial: UInt64(state.policy.serial))
            let known = index?.scope == scope ? index : nil
            var next = scope.map { ListIndex(scope: $0) }
            let waiting = Set(try db.pendingGrantHints().map(\.caseID))
            // A case whose stored head is not the one verified is opened, so its damage is reported for it alone.
            let storedHeads = try db.caseHeadVersions()
            var out: [CaseSummary] = []  // every case reached; the selection picks what leaves
            var roleKeys: RoleKeyring?
            var reached = Set<CaseID>()
            // The reads are logged together, after the cases are opened (a re-seal's entry may come first).
            var reads: [(caseID: CaseID, fields: [String], detail: [String: String])] = []
            var sortKeys: [String: CaseRecord.SortKey] = [:]
            func logGlance(_ glance: [String: FieldValue], caseID: CaseID, version: UInt64) {
                if !glance.isEmpty { reads.append((caseID, CaseRecord.order(Array(glance.keys), memo: &sortKeys), ["version": String(version)])) }
            }
            for id in try db.caseIDs() {
                let head = anchor?.loggedHead(id)
                if let head, !waiting.contains(id), let entry = known?.entries[id], entry.version == head.version, entry.hash == head.hash,
                   storedHeads[id] == entry.version {
                    // Verified before at this very head: its number is checked below with the unreached ones.
                    next?.entries[id] = entry
                    guard entry.reached else { continue }
                    out.append(CaseSummary(caseID: id, version: entry.version, updated: entry.updated, assignments: entry.assignments,
                                           glance: entry.glance, problem: nil))
                    continue
                }
                // Unlocked once, on the first case not taken from the index; a failure stops the whole listing, as before.
                if roleKeys == nil { roleKeys = try RoleKeyring.unlock(db, vault: vault, state: state, reader: member, opener: identity.boxOpener) }
                let opened: OpenedCase
                do {
                    opened = try openRepairingStaleness(id, state: state, db: db, roleKeys: roleKeys)
                } catch let e as VaultError where e.kind == .notFound && e.unloggedCaseOpening == nil {
                    // Opening checks reach first: not reached (or reached once, no longer) is "not found".
                    if let head, let stored = try db.caseVersion(id, version: head.version),
                       CaseVersion.chainHash(body: stored.body, signature: stored.signature) == head.hash {
                        next?.entries[id] = .init(version: head.version, hash: head.hash, reached: false, updated: Timestamp(seconds: 0),
                                                  assignments: [], glance: [:])
                    }
                    continue
                } catch let e as VaultError where e.unloggedCaseOpening == nil {
                    reached.insert(id)
                    out.append(CaseSummary(caseID: id, version: 0, updated: Timestamp(seconds: 0), assignments: [], glance: [:], problem: e.message))
                    continue
                }
                reached.insert(id)
                let glance = opened.fields.filter { shown($0.key) }
                let pending = try completeGrants(in: opened, state: state, db: db)
                out.append(CaseSummary(caseID: id, version: opened.latest.version, updated: opened.latest.created,
                                       assignments: opened.latest.assignments, glance: glance, problem: nil, pendingGrants: pending))
                // Only a complete view is kept: a case still waiting for grants is opened again next time.
                if pending.isEmpty, opened.readerWaitsForGrants == 0, opened.refusedGrants.isEmpty,
                   let head = anchor?.loggedHead(id), head.version == opened.latest.version {
                    next?.entries[id] = .init(version: head.version, hash: head.hash, reached: true, updated: opened.latest.created,
                                              assignments: opened.latest.assignments, glance: glance)
                }
            }
            let chosen = selection.apply(out)
            for c in chosen.cases where c.problem == nil { logGlance(c.glance, caseID: c.caseID, version: c.version) }
            try vault.appendCaseEntries(db, state: state, session: session, action: .caseRead, entries: reads, reason: reason, checkpointLast: false)
            // Cases not opened in full above are checked by head number.
            try anchor?.checkCaseList(storedHeads: try db.caseHeadVersions(), reached: reached)
            try vault.appendLog(db, state: state, session: session, action: .caseList, caseID: nil, fields: [], detail: ["count": String(chosen.cases.count)], reason: nil)
            fresh = next
            return chosen
        }
        // A cache: a listing whose index cannot be written is still a listing.
        if let fresh, fresh != index, let anchor { try? anchor.saveListIndex(fresh, owner: identity.publicIdentity.boxKey) }
        return out
    }

    /// This member's index for `listing`, when it is for the vault's roster and policy as they stand.
    private func openListIndex(_ listing: String) throws(VaultError) -> ListIndex? {
        guard let anchor, session.residentCase == nil else { return nil }
        let scope = try vault.read { db in
            let state = try vault.loadState(db)
            return anchor.listIndexScope(listing: listing, rosterSerial: state.roster.serial, policySerial: UInt64(state.policy.serial))
        }
        return try anchor.openListIndex(scope: scope, identity: identity, vaultDirectory: vault.directory)
    }

    /// Through a key agent, the listing's `case.open` entries are appended in one request first,
    /// so that the listing's transaction runs once instead of once per case. Cases the index
    /// holds at their logged head were logged as opened when the agent opened the index.
    private func announceOpenings(skipping index: ListIndex?) throws(VaultError) {
        guard let agent = identity.boxOpener as? any CaseKeyOpener else { return }
        let reached = try vault.read { db in
            let state = try vault.loadState(db)
            return try db.caseIDs().filter { id in
                if let entry = index?.entries[id], let head = anchor?.loggedHead(id), entry.version == head.version, entry.hash == head.hash {
                    return false
                }
                return try reaches(id, state: state, db: db)
            }
        }
        if !reached.isEmpty { try agent.logOpenings(of: reached, vaultDirectory: vault.directory) }
    }

    /// One new version in one transaction. `reseal` false (decided once the change is known)
    /// carries every field byte for byte;
    /// `then` runs in the same transaction, after the version and its log entry, on the new chain.
    func rewrite(_ caseID: CaseID, action: VersionWritingAction, reason: String?, detail: [String: String] = [:],
                 reseal: (VaultState, OpenedCase, [CaseVersion.Assignment]) -> Bool = { _, _, _ in true },
                 carriedCount: inout Int,
                 change: (VaultState, OpenedCase) throws -> (written: [String: FieldValue], removed: Set<String>, assignments: [CaseVersion.Assignment]),
                 then: (VaultState, StoreTransaction, [CaseVersion]) throws -> Void = { _, _, _ in }) throws(VaultError) -> UInt64 {
        var carriedCount_ = 0
        defer { carriedCount = carriedCount_ }
        return try vault.write { db in
            let state = try currentState(db)
            let opened = try open(caseID, state: state, db: db)
            let (written, removed, assignments) = try change(state, opened)
            let (next, carried, _) = try writeVersion(db: db, state: state, opened: opened, written: written, removed: removed,
                                                      assignments: assignments, reseal: reseal(state, opened, assignments),
                                                      log: VersionLogEntry(action: action, fields: CaseRecord.order(Array(written.keys) + Array(removed)),
                                                                           detail: detail, reason: reason))
            carriedCount_ = carried
            guard let stored = try db.caseVersion(caseID, version: next) else { throw VaultError.notFound("case \(caseID) not found") }
            try then(state, db, opened.chain + [try CaseVersion.decode(stored.body)])
            return next
        }
    }
}
