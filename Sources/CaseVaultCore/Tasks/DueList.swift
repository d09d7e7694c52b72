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
    /// Cases that fail verification are left out here; `case list` shows their problem.
    public func items(withinDays days: Int, owner: String? = nil) throws(VaultError) -> [DueItem] {
        var out: [DueItem] = []
        for summary in try session.listCases() where summary.problem == nil {
            let opened = try session.showCase(summary.caseID, reason: "oppgaver og frister")
            out += deadlines.items(caseID: summary.caseID, fields: opened.fields)
        }
        return Deadlines.sorted(out.filter { $0.daysLeft <= days && (owner == nil || $0.owner == owner) })
    }
}
