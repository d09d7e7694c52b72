import AccessPolicy
import CaseVaultCore
import Hummingbird

extension Screens {
    /// Deadlines in the cases the member reads, as `casevault tasks` lists them (30 days ahead).
    func tasks() throws -> Response {
        try gate.withSession(command: "tasks") { s in
            let rows: [[String: Any]] = try DueList(session: s).listing(withinDays: 30).items.map { i in
                ["handle": i.caseID.hex, "alias": i.alias ?? "(alias forseglet)", "what": i.what, "due": i.due.norwegianText,
                 "when": i.isOverdue ? "forfalt for \(-i.daysLeft) d siden" : i.daysLeft == 0 ? "i dag" : "om \(i.daysLeft) d",
                 "overdue": i.isOverdue, "owner": ValueLabels.label(of: i.owner, pattern: "tasks[].owner")]
            }
            return Reply.html(Page.render("Oppgaver og frister", "tasks", ["rows": rows, "hasRows": !rows.isEmpty], viewer: viewer(s)))
        }
    }
}
