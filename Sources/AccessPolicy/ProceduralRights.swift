/// What a role may do beyond reading and writing fields: the centre's procedures. Field rights
/// are the signed policy's; these are fixed by the program, and this table is the one place that
/// says who holds each, so a new role is given its procedures here (docs/FORMAT.md, part 5,
/// "Procedural rights").
public enum ProceduralRight: String, CaseIterable, Sendable {
    /// Start a case, becoming its contact person.
    case openCase = "open-case"
    /// Change who is assigned to a case.
    case assign
    /// Ask for a handover of a case, or send one.
    case requestHandover = "request-handover"
    /// Bind a resident's own key to a case.
    case bindResident = "bind-resident"
    /// Approve or reject another member's handover (never one's own).
    case approveHandover = "approve-handover"
    /// Open fields in an emergency with the break-glass key.
    case breakGlass = "break-glass"
    /// Review a break-glass opening made by someone else.
    case reviewBreakGlass = "review-break-glass"
    /// Ask the trustees to recover a member's lost key.
    case requestRecovery = "request-recovery"
    /// Move residents off the roster onto case pseudonyms (with the centre root key).
    case moveResidents = "move-residents"
    /// Export the whole access log, have any case's access report, read every entry's reason.
    case superviseLog = "supervise-log"
    /// Cosign the log's checkpoints as a witness.
    case witness
    /// Have a case's access report with the purposes of its disclosures (their own case).
    case personalReport = "personal-report"

    /// Who holds the right everywhere, by a role on the roster.
    public var centreWide: Set<Role> {
        switch self {
        case .openCase: [.contactPerson]
        case .assign, .approveHandover, .breakGlass, .requestRecovery, .moveResidents: [.leader]
        case .reviewBreakGlass, .superviseLog: [.leader, .auditor]
        case .witness: [.auditor]
        case .requestHandover, .bindResident, .personalReport: []
        }
    }

    /// Who holds the right on a case, by being assigned to it in that role.
    public var onTheirCases: Set<Role> {
        switch self {
        case .assign, .requestHandover, .bindResident: [.contactPerson]
        case .personalReport: [.contactPerson, .resident]
        case .openCase, .approveHandover, .breakGlass, .reviewBreakGlass, .requestRecovery, .moveResidents, .superviseLog, .witness: []
        }
    }

    /// Whether someone holding `roles` on the roster has the right everywhere.
    public func isHeld(byRosterRoles roles: some Sequence<Role>) -> Bool {
        roles.contains { centreWide.contains($0) }
    }

    /// Whether someone holding `rosterRoles`, and `caseRoles` on one case, has the right on it.
    public func isHeld(byRosterRoles rosterRoles: some Sequence<Role>, caseRoles: some Sequence<Role>) -> Bool {
        isHeld(byRosterRoles: rosterRoles) || caseRoles.contains { onTheirCases.contains($0) }
    }
}
