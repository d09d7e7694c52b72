/// What is due for a member across the cases they reach, in one listing pass: each case is
/// verified and opened once, and the access log records, per case, the fields the deadlines
/// were worked out from.
public struct DueList {
    let session: Session
    let deadlines: Deadlines

    /// `today` defaults to the vault clock's date in Norway.
    public init(session: Session, today: CalendarDate? = nil) {
        self.session = session
        self.deadlines = Deadlines(today: today ?? session.vault.clock.now().osloDate)
    }

    /// Everything overdue, and what falls due within `days` days; overdue first.
    public func items(withinDays days: Int, owner: String? = nil) throws(VaultError) -> [DueItem] {
        try listing(withinDays: days, owner: owner).items
    }

    /// The items, and the cases that failed verification (listed so they are noticed: one damaged
    /// case never hides the deadlines of the others).
    public func listing(withinDays days: Int, owner: String? = nil) throws(VaultError) -> (items: [DueItem], failed: [CaseSummary]) {
        var out: [DueItem] = []
        var failed: [CaseSummary] = []
        for summary in try session.listCases(showing: Deadlines.reads, listing: "tasks", reason: "oppgaver og frister") {
            guard summary.problem == nil else { failed.append(summary); continue }
            out += deadlines.items(caseID: summary.caseID, fields: summary.glance)
        }
        return (Deadlines.sorted(out.filter { $0.daysLeft <= days && (owner == nil || $0.owner == owner) }), failed)
    }
}
