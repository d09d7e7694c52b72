/// Who may change a case's assignments.
enum Assigning {
    /// The leader, or a contact person assigned to the case, may change who is assigned.
    static func mayAssign(_ member: RosterEntry, in access: CaseAccess) -> Bool {
        access.grants(.assign, to: member)
    }
}
