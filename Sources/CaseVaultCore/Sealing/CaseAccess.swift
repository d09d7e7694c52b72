import AccessPolicy

/// Who may read and write which field of one case: the policy's field rules, narrowed by the
/// policy's scope for each role (centre-wide, or only when assigned to the case) and by the roster.
struct CaseAccess {
    let policy: Policy
    let roster: Roster
    let assignments: [CaseVersion.Assignment]

    /// Roles through which `member` reaches this case at all.
    func effectiveRoles(of member: RosterEntry) -> [Role] {
        guard member.kind == .member else { return [] }
        return member.roles.filter { role in
            switch policy.scope(of: role) {
            case .centreWide: true
            case .caseAssigned: assignments.contains { $0.member == member.id && $0.role == role.rawValue }
            case .none: false
            }
        }
    }

    func canRead(_ member: RosterEntry, path: String) -> Bool {
        effectiveRoles(of: member).contains { policy.canRead($0, field: path).isAllowed }
    }

    /// Allowed, or denied with the policy's reason for the member's first role.
    func writeDecision(_ member: RosterEntry, path: String) -> PolicyDecision {
        let roles = effectiveRoles(of: member)
        if roles.contains(where: { policy.canWrite($0, field: path).isAllowed }) { return .allowed }
        if let first = roles.first { return policy.canWrite(first, field: path) }
        return .denied(reason: "\(member.id) is not assigned to this case in a role that may write \(path)")
    }

    /// Member ids (sorted) of everyone active now who may read `path`: the recipients of its key.
    func readers(of path: String, at time: Timestamp) -> [String] {
        roster.members.filter { $0.isActive(at: time) && canRead($0, path: path) }.map(\.id).sorted()
    }
}
