import AccessPolicy
import Foundation
import GRDB
import SodiumKit

/// One line of `case list`: what the reader may know about a case without opening its content.
public struct CaseSummary: Sendable {
    public let caseID: CaseID
    public let version: UInt64
    public let updated: Timestamp
    public let assignments: [CaseVersion.Assignment]
    /// Fields of the listing the reader could decrypt (alias, phase, status).
    public let glance: [String: FieldValue]
    /// Set when the case failed verification: listed so it is noticed, never shown.
    public let problem: String?
}

extension Session {
    static let listingFields = ["person.alias", "case.phase", "case.status"]

    /// Creates a case from a JSON/YAML record. The author is assigned as its contact person.
    @discardableResult
    public func createCase(recordText: String, reason: String? = nil) throws(VaultError) -> CaseID {
        guard member.roles.contains(.contactPerson) else { throw .denied("\(member.id) is not a contact person; only contact persons open cases") }
        let record = try RecordParser(allowSyntheticIDs: vault.isTestVault).parseRecord(recordText)
        guard !record.fields.isEmpty else { throw .input("the case record is empty") }
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
            try Self.insert(sealed, caseID: caseID, db: db)
            try vault.appendLog(db, state: state, session: self, action: .caseCreate, caseID: caseID,
                                 fields: CaseRecord.order(Array(record.fields.keys)), detail: ["version": "1"], reason: reason)
        }
        return caseID
    }

    /// Applies a patch: a new signed version. Fields the author cannot read are carried forward untouched.
    @discardableResult
    public func updateCase(_ caseID: CaseID, patchText: String, reason: String? = nil) throws(VaultError) -> UInt64 {
        let patch = try RecordPatch.parse(patchText, allowSyntheticIDs: vault.isTestVault)
        var carried = 0
        return try rewrite(caseID, action: .caseUpdate, reason: reason, carriedCount: &carried) { _, opened in
            let existing = Set(opened.fields.keys).union(opened.sealedFields.map(\.path))
            let change = patch.resolve(existingPaths: existing)
            return (change.written, change.removed, opened.latest.assignments)
        }
    }

    /// Assigns or unassigns a member in a case-scoped role. Re-seals what the actor can read so
    /// the new reader set takes effect; fields the actor cannot read stay sealed as they were.
    @discardableResult
    public func assign(_ caseID: CaseID, memberID: String, role: Role, remove: Bool = false, reason: String? = nil) throws(VaultError) -> (version: UInt64, stillSealed: Int) {
        var stillSealed = 0
        let version = try rewrite(caseID, action: remove ? .caseUnassign : .caseAssign, reason: reason, detail: ["member": memberID, "role": role.rawValue],
                                  carriedCount: &stillSealed) { state, opened in
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
        }
        return (version, stillSealed)
    }

    /// Verifies and decrypts the latest version, logging the read (which fields) before returning it.
    /// A failed or refused read is logged too, and the log entry commits even though the read fails.
    public func showCase(_ caseID: CaseID, reason: String? = nil) throws(VaultError) -> OpenedCase {
        let result: Result<OpenedCase, VaultError> = try vault.write { db in
            let state = try currentState(db)
            do {
                let opened = try open(caseID, state: state, db: db)
                try vault.appendLog(db, state: state, session: self, action: .caseRead, caseID: caseID,
                                     fields: CaseRecord.order(Array(opened.fields.keys)),
                                     detail: ["version": String(opened.latest.version)], reason: reason)
                return .success(opened)
            } catch let e as VaultError where e.kind != .ioFailure {
                try vault.appendLog(db, state: state, session: self, action: .caseReadRefused, caseID: caseID, fields: [],
                                     detail: ["error": e.kind.logName], reason: reason)
                return .failure(e)
            }
        }
        return try result.get()
    }

    /// Version metadata (who, when, which paths): no content is decrypted.
    public func history(_ caseID: CaseID) throws(VaultError) -> [CaseVersion] {
        try vault.write { db in
            let state = try currentState(db)
            guard try reaches(caseID, state: state, db: db) else { throw VaultError.notFound("case \(caseID) not found") }
            let chain = try verifiedChain(caseID, state: state, db: db)
            try requireReach(chain.last!, state: state)
            try vault.appendLog(db, state: state, session: self, action: .caseHistory, caseID: caseID, fields: [], detail: [:], reason: nil)
            return chain
        }
    }

    /// The cases this member reaches (assigned, or through a centre-wide role), with a glance at each.
    /// A case that fails verification is listed with its problem instead of failing the listing.
    public func listCases() throws(VaultError) -> [CaseSummary] {
        try vault.write { db in
            let state = try currentState(db)
            let ids = try Data.fetchAll(db, sql: "SELECT DISTINCT case_id FROM case_versions ORDER BY case_id").map { CaseID(unchecked: [UInt8]($0)) }
            var out: [CaseSummary] = []
            for id in ids where try reaches(id, state: state, db: db) {
                let opened: OpenedCase
                do { opened = try open(id, state: state, db: db) } catch let e as VaultError {
                    out.append(CaseSummary(caseID: id, version: 0, updated: Timestamp(seconds: 0), assignments: [], glance: [:], problem: e.message))
                    continue
                }
                let glance = opened.fields.filter { Self.listingFields.contains($0.key) }
                out.append(CaseSummary(caseID: id, version: opened.latest.version, updated: opened.latest.created,
                                       assignments: opened.latest.assignments, glance: glance, problem: nil))
                if !glance.isEmpty {
                    try vault.appendLog(db, state: state, session: self, action: .caseRead, caseID: id,
                                         fields: CaseRecord.order(Array(glance.keys)), detail: ["version": String(opened.latest.version)], reason: nil)
                }
            }
            try vault.appendLog(db, state: state, session: self, action: .caseList, caseID: nil, fields: [], detail: ["count": String(out.count)], reason: nil)
            return out
        }
    }

    // MARK: - Shared steps

    private func rewrite(_ caseID: CaseID, action: LogAction, reason: String?, detail: [String: String] = [:],
                         carriedCount: inout Int,
                         change: (VaultState, OpenedCase) throws -> (written: [String: FieldValue], removed: Set<String>, assignments: [CaseVersion.Assignment])) throws(VaultError) -> UInt64 {
        var carriedCount_ = 0
        defer { carriedCount = carriedCount_ }
        return try vault.write { db in
            let state = try currentState(db)
            let opened = try open(caseID, state: state, db: db)
            let (written, removed, assignments) = try change(state, opened)
            let (next, carried) = try writeVersion(db: db, state: state, opened: opened, written: written, removed: removed, assignments: assignments)
            carriedCount_ = carried
            var d = detail
            d["version"] = String(next)
            try vault.appendLog(db, state: state, session: self, action: action, caseID: caseID,
                                 fields: CaseRecord.order(Array(written.keys) + Array(removed)), detail: d, reason: reason)
            return next
        }
    }

    /// Seals and stores the next version of an opened case, inside the caller's transaction.
    /// The author may write every path they change, and may overwrite or remove only what they
    /// can read (`add` creates new paths, so it needs no read access). Fields the author may both
    /// read and write are re-encrypted under fresh keys for the current reader set; everything
    /// else is carried forward byte for byte, so nobody re-seals (and so could alter) a field
    /// they may not write.
    func writeVersion(db: Database, state: VaultState, opened: OpenedCase, written: [String: FieldValue], removed: Set<String>,
                      assignments: [CaseVersion.Assignment]) throws -> (version: UInt64, carried: Int) {
        let caseID = opened.caseID
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
        var carried = opened.sealedFields.filter { !removed.contains($0.path) && written[$0.path] == nil }
        for (path, value) in opened.fields where !removed.contains(path) && written[path] == nil {
            let pattern = FieldCatalog.pattern(ofPath: path) ?? path
            let allowed = mayWrite[pattern] ?? before.writeDecision(member, path: pattern).isAllowed
            mayWrite[pattern] = allowed
            if allowed { fresh[path] = value } else if let field = stored[path] { carried.append(field) }
        }
        for (p, v) in written { fresh[p] = v }
        let next = opened.latest.version + 1
        let parent = try Self.chainHash(caseID: caseID, version: opened.latest.version, db: db)
        // Time never runs backwards along a case, so a version cannot be dated before its parent.
        let created = max(Timestamp.now(), opened.latest.created)
        let sealed = try sealer(caseID: caseID, version: next, parent: parent, state: state, assignments: assignments, created: created)
            .seal(fresh: fresh, carried: carried, written: Array(written.keys), removed: Array(removed), signingKey: identity.signer)
        try Self.insert(sealed, caseID: caseID, db: db)
        return (next, carried.count)
    }

    func open(_ caseID: CaseID, state: VaultState, db: Database) throws -> OpenedCase {
        guard try reaches(caseID, state: state, db: db) else { throw VaultError.notFound("case \(caseID) not found") }
        let chain = try verifiedChain(caseID, state: state, db: db)
        try requireReach(chain.last!, state: state)
        return try Opener(vaultID: vault.vaultID, roster: state.roster, policies: state.policies)
            .open(chain, caseID: caseID, reader: member, key: identity.boxOpener)
    }

    func verifiedChain(_ caseID: CaseID, state: VaultState, db: Database) throws -> [CaseVersion] {
        let rows = try Row.fetchAll(db, sql: "SELECT version, body, signature FROM case_versions WHERE case_id = ? ORDER BY version",
                                    arguments: [Data(caseID.bytes)])
        guard !rows.isEmpty else { throw VaultError.notFound("case \(caseID) not found") }
        let stored = rows.map { StoredVersion(version: UInt64($0["version"] as Int64), body: [UInt8]($0["body"] as Data), signature: [UInt8]($0["signature"] as Data)) }
        return try Opener(vaultID: vault.vaultID, roster: state.roster, policies: state.policies).verifyChain(stored, caseID: caseID)
    }

    /// A member outside the case (not assigned, no centre-wide role) is told the case is not
    /// found: even the existence of a case is confidential (krisesenterlova § 5).
    private func requireReach(_ latest: CaseVersion, state: VaultState) throws(VaultError) {
        let access = CaseAccess(policy: state.policy, roster: state.roster, assignments: latest.assignments)
        guard !access.effectiveRoles(of: member).isEmpty else { throw .notFound("case \(latest.caseID) not found") }
    }

    /// Whether this member reaches the case at all, judged from the latest version's assignments
    /// before anything is verified: someone outside a case learns nothing about it, not even
    /// that it was damaged. (Verification follows before anything is trusted.)
    func reaches(_ caseID: CaseID, state: VaultState, db: Database) throws -> Bool {
        if member.roles.contains(where: { state.policy.scope(of: $0) == .centreWide }) { return true }
        // Anyone assigned in any version knows the case exists, so a damaged latest version is
        // reported to them as damage; everyone else is told "not found".
        let bodies = try Data.fetchAll(db, sql: "SELECT body FROM case_versions WHERE case_id = ?", arguments: [Data(caseID.bytes)])
        let everAssigned = bodies.compactMap { try? CaseVersion.decode([UInt8]($0)) }.flatMap(\.assignments)
        return !CaseAccess(policy: state.policy, roster: state.roster, assignments: everAssigned).effectiveRoles(of: member).isEmpty
    }

    private func sealer(caseID: CaseID, version: UInt64, parent: [UInt8], state: VaultState, assignments: [CaseVersion.Assignment],
                        created: Timestamp = .now()) -> Sealer {
        Sealer(vaultID: vault.vaultID, caseID: caseID, version: version, parentHash: parent, author: member, created: created,
               roster: state.roster, policy: state.policy, assignments: assignments)
    }

    static func insert(_ v: SealedVersion, caseID: CaseID, db: Database) throws {
        try db.execute(sql: "INSERT INTO case_versions (case_id, version, body, signature) VALUES (?, ?, ?, ?)",
                       arguments: [Data(caseID.bytes), Int64(v.version.version), Data(v.body), Data(v.signature)])
    }

    static func chainHash(caseID: CaseID, version: UInt64, db: Database) throws -> [UInt8] {
        guard let row = try Row.fetchOne(db, sql: "SELECT body, signature FROM case_versions WHERE case_id = ? AND version = ?",
                                         arguments: [Data(caseID.bytes), Int64(version)]) else { throw VaultError.notFound("case \(caseID) not found") }
        return CaseVersion.chainHash(body: [UInt8](row["body"] as Data), signature: [UInt8](row["signature"] as Data))
    }
}

