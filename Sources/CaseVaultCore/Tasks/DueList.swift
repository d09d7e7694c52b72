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

    /// Everything overdue, and what falls due within `days` days; overdue first. A closed case's
    /// deadlines are left out unless `includingClosed`: nobody works them any more.
    public func items(withinDays days: Int, owner: String? = nil, includingClosed: Bool = false) throws(VaultError) -> [DueItem] {
        try listing(withinDays: days, owner: owner, includingClosed: includingClosed).items
    }

    /// The items, and the cases that failed verification (listed so they are noticed: one damaged
    /// case never hides the deadlines of the others). Only the cases with an item are returned
    /// by the core and logged as read.
    public func listing(withinDays days: Int, owner: String? = nil, includingClosed: Bool = false) throws(VaultError) -> (items: [DueItem], failed: [CaseSummary]) {
        let deadlines = deadlines
        let wanted: @Sendable ([DueItem]) -> [DueItem] = { items in items.filter { $0.daysLeft <= days && (owner == nil || $0.owner == owner) } }
        var selection = CaseSelection(openOnly: !includingClosed)
        selection.alsoKeeping = { summary in !wanted(deadlines.items(caseID: summary.caseID, fields: summary.glance)).isEmpty }
        var out: [DueItem] = []
        var failed: [CaseSummary] = []
        for summary in try session.listCases(showing: Deadlines.reads, listing: "tasks", reason: "oppgaver og frister", selecting: selection).cases {
            guard summary.problem == nil else { failed.append(summary); continue }
            out += wanted(deadlines.items(caseID: summary.caseID, fields: summary.glance))
        }
        return (Deadlines.sorted(out), failed)
    }
}
