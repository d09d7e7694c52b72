/// What is due for a member across the cases they reach, built on the session's ordinary,
/// logged reads: each case is opened as `case show` would open it, so the access log records
/// what was decrypted to work the list out.
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
        for summary in try session.listCases() {
            guard summary.problem == nil else { failed.append(summary); continue }
            let opened = try session.showCase(summary.caseID, reason: "oppgaver og frister")
            out += deadlines.items(caseID: summary.caseID, fields: opened.fields)
        }
        return (Deadlines.sorted(out.filter { $0.daysLeft <= days && (owner == nil || $0.owner == owner) }), failed)
    }
}
