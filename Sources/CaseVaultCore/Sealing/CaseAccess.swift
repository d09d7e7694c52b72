import AccessPolicy

/// Who may read and write which field of one case: the policy's field rules, narrowed by the
/// policy's scope for each role (centre-wide, or only when assigned to the case) and by the roster.
struct CaseAccess {
    let policy: Policy
    let roster: Roster
    let assignments: [CaseVersion.Assignment]
    /// Each member's roles that reach this case, worked out once: sealing asks per field.
    private let reach: [String: [Role]]

    init(policy: Policy, roster: Roster, assignments: [CaseVersion.Assignment]) {
        self.policy = policy
        self.roster = roster
        self.assignments = assignments
        var reach: [String: [Role]] = [:]
        for member in roster.entries where member.kind == .member {
            reach[member.id] = member.roles.filter { role in
                switch policy.scope(of: role) {
                case .centreWide: true
                case .caseAssigned: assignments.contains { $0.member == member.id && $0.role == role.rawValue }
                case .none: false
                }
            }
        }
        self.reach = reach
    }

    /// Roles through which `member` reaches this case at all.
    func effectiveRoles(of member: RosterEntry) -> [Role] {
        guard member.kind == .member else { return [] }
        return reach[member.id] ?? []
    }

    func canRead(_ member: RosterEntry, path: String) -> Bool {
        let readers = policy.readers(of: path)
        return effectiveRoles(of: member).contains(where: readers.contains)
    }

    /// Allowed, or denied with the policy's reason for the member's first role.
    func writeDecision(_ member: RosterEntry, path: String) -> PolicyDecision {
        let roles = effectiveRoles(of: member)
        let writers = policy.writers(of: path)
        if roles.contains(where: writers.contains) { return .allowed }
        if let first = roles.first { return policy.canWrite(first, field: path) }
        return .denied(reason: "\(member.id) is not assigned to this case in a role that may write \(path)")
    }

    /// Member ids (sorted) of everyone not revoked on the current roster who may read `path`: the
    /// recipients of its key. Revocation follows the roster, not a clock.
    func readers(of path: String) -> [String] {
        let roles = policy.readers(of: path)
        guard !roles.isEmpty else { return [] }
        return roster.entries.filter { m in
            m.kind == .member && m.revoked == nil && (reach[m.id] ?? []).contains(where: roles.contains)
        }.map(\.id).sorted()
    }
}
