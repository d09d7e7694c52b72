import AccessPolicy

extension RosterEntry {
    /// Whether this member holds `right` everywhere, by a role on the roster (the table is
    /// `ProceduralRight`'s).
    func holds(_ right: ProceduralRight) -> Bool { right.isHeld(byRosterRoles: roles) }
}

extension CaseAccess {
    /// Whether `member` holds `right` on this case: by a roster role, or by the roles through
    /// which they reach the case.
    func grants(_ right: ProceduralRight, to member: RosterEntry) -> Bool {
        right.isHeld(byRosterRoles: member.roles, caseRoles: effectiveRoles(of: member))
    }
}
