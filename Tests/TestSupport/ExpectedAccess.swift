import AccessPolicy
@testable import CaseVaultCore

/// What each member should be able to read, worked out independently of `CaseAccess`: from the
/// policy's field rules and this reading of its scope lines (docs/FORMAT.md, "Roles"): a
/// `centre-wide` role (by default night shift and leader) reaches every case; a `case-assigned`
/// one (contact person, child contact, resident) only the cases it is assigned to; any other
/// role, the auditor among them, reaches no content at all.
struct ExpectedAccess {

    let policy: Policy
    /// Member id → roles held on the roster.
    let roster: [String: [Role]]
    /// Member id → roles the member is assigned to the case in.
    let assigned: [String: Set<Role>]

    /// The sample case as `TestVault.sampleCase()` leaves it: kari (creator), cecilie and rita assigned.
    static func sample(policy: Policy = .makeDefault()) -> ExpectedAccess {
        ExpectedAccess(policy: policy,
                       roster: Dictionary(uniqueKeysWithValues: TestVault.allMemberIDs.map { ($0, TestVault.roles(of: $0)) }),
                       assigned: ["kari": [.contactPerson], "cecilie": [.childContact], "rita": [.resident]])
    }

    func assigning(_ id: String, _ role: Role) -> ExpectedAccess {
        var a = assigned
        a[id, default: []].insert(role)
        return ExpectedAccess(policy: policy, roster: roster, assigned: a)
    }

    func unassigning(_ id: String, _ role: Role) -> ExpectedAccess {
        var a = assigned
        a[id]?.remove(role)
        return ExpectedAccess(policy: policy, roster: roster, assigned: a)
    }

    func effectiveRoles(_ id: String) -> Set<Role> {
        Set((roster[id] ?? []).filter { role in
            policy.centreWide.contains(role) || (policy.caseAssigned.contains(role) && assigned[id]?.contains(role) == true)
        })
    }

    func reaches(_ id: String) -> Bool { !effectiveRoles(id).isEmpty }

    func mayRead(_ id: String, path: String) -> Bool {
        guard let pattern = FieldCatalog.pattern(ofPath: path) else { return false }
        return !policy.readers(of: pattern).isDisjoint(with: effectiveRoles(id))
    }

    func readable(by id: String, among paths: some Sequence<String>) -> Set<String> {
        Set(paths.filter { mayRead(id, path: $0) })
    }

    /// Member ids that may read `path`.
    func readers(of path: String) -> Set<String> { Set(roster.keys.filter { mayRead($0, path: path) }) }

    /// The envelope labels of `path`'s class: one `role:<r>#<epoch>` per centre-wide reader role,
    /// and the ids of members who reach the case through a case-assigned reader role.
    func recipientLabels(of path: String, epoch: UInt64 = 1) -> Set<String> {
        guard let pattern = FieldCatalog.pattern(ofPath: path) else { return [] }
        let readers = policy.readers(of: pattern)
        let roles = readers.filter { policy.centreWide.contains($0) }.map { "role:\($0.rawValue)#\(epoch)" }
        let members = roster.keys.filter { id in
            !effectiveRoles(id).filter { policy.caseAssigned.contains($0) }.isDisjoint(with: readers)
        }
        return Set(roles).union(members)
    }
}
